import { MigrationInterface, QueryRunner } from 'typeorm';

export class MultiFactorAuthentication1796037109115 implements MigrationInterface {
  name = 'MultiFactorAuthentication1796037109115';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `users` ADD `mfa_enabled_at` datetime(6) NULL');
    await queryRunner.query(`
      CREATE TABLE \`totp_factors\` (
        \`user_id\` int UNSIGNED NOT NULL,
        \`secret_ciphertext\` varbinary(64) NOT NULL,
        \`key_id\` char(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        \`last_used_step\` int UNSIGNED NULL,
        \`created_at\` datetime(6) NOT NULL,
        INDEX \`IDX_totp_factors_key_id\` (\`key_id\`),
        PRIMARY KEY (\`user_id\`),
        CONSTRAINT \`FK_totp_factors_user\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\` (\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE \`mfa_recovery_codes\` (
        \`id\` int UNSIGNED NOT NULL AUTO_INCREMENT,
        \`user_id\` int UNSIGNED NOT NULL,
        \`code_hash\` binary(32) NOT NULL,
        \`created_at\` datetime(6) NOT NULL,
        UNIQUE INDEX \`UQ_mfa_recovery_codes_user_code\` (\`user_id\`, \`code_hash\`),
        PRIMARY KEY (\`id\`),
        CONSTRAINT \`FK_mfa_recovery_codes_user\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\` (\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE \`mfa_challenges\` (
        \`id\` int UNSIGNED NOT NULL AUTO_INCREMENT,
        \`token_hash\` binary(32) NOT NULL,
        \`user_id\` int UNSIGNED NOT NULL,
        \`transport\` varchar(10) NOT NULL,
        \`failed_attempts\` tinyint UNSIGNED NOT NULL DEFAULT '0',
        \`created_at\` datetime(6) NOT NULL,
        \`expires_at\` datetime(6) NOT NULL,
        UNIQUE INDEX \`UQ_mfa_challenges_token_hash\` (\`token_hash\`),
        INDEX \`IDX_mfa_challenges_expires_at\` (\`expires_at\`),
        PRIMARY KEY (\`id\`),
        CONSTRAINT \`FK_mfa_challenges_user\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\` (\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `mfa_challenges`');
    await queryRunner.query('DROP TABLE `mfa_recovery_codes`');
    await queryRunner.query('DROP TABLE `totp_factors`');
    await queryRunner.query('ALTER TABLE `users` DROP COLUMN `mfa_enabled_at`');
  }
}
