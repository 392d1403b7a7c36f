import { MigrationInterface, QueryRunner } from 'typeorm';

export class Passkeys1796040400000 implements MigrationInterface {
  name = 'Passkeys1796040400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE \`passkeys\` (
        \`id\` int UNSIGNED NOT NULL AUTO_INCREMENT,
        \`user_id\` int UNSIGNED NOT NULL,
        \`credential_id\` varbinary(1023) NOT NULL,
        \`public_key\` varbinary(2048) NOT NULL,
        \`user_handle\` varbinary(64) NOT NULL,
        \`sign_count\` int UNSIGNED NOT NULL,
        \`transports\` varchar(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
        \`name\` varchar(100) NOT NULL,
        \`created_at\` datetime(6) NOT NULL,
        \`last_used_at\` datetime(6) NULL,
        UNIQUE INDEX \`UQ_passkeys_credential_id\` (\`credential_id\`),
        PRIMARY KEY (\`id\`),
        CONSTRAINT \`FK_passkeys_user\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\` (\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE \`webauthn_challenges\` (
        \`id\` int UNSIGNED NOT NULL AUTO_INCREMENT,
        \`challenge_hash\` binary(32) NOT NULL,
        \`ceremony\` varchar(16) NOT NULL,
        \`user_id\` int UNSIGNED NULL,
        \`user_handle\` varbinary(64) NULL,
        \`created_at\` datetime(6) NOT NULL,
        \`expires_at\` datetime(6) NOT NULL,
        UNIQUE INDEX \`UQ_webauthn_challenges_challenge_hash\` (\`challenge_hash\`),
        INDEX \`IDX_webauthn_challenges_expires_at\` (\`expires_at\`),
        PRIMARY KEY (\`id\`),
        CONSTRAINT \`FK_webauthn_challenges_user\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\` (\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `webauthn_challenges`');
    await queryRunner.query('DROP TABLE `passkeys`');
  }
}
