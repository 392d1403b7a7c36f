import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsersAndAccessTokens1795603137819 implements MigrationInterface {
  name = 'CreateUsersAndAccessTokens1795603137819';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE \`users\` (
        \`id\` int UNSIGNED NOT NULL AUTO_INCREMENT,
        \`email\` varchar(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        \`hashed_password\` varchar(255) NOT NULL,
        \`is_active\` tinyint NOT NULL DEFAULT 1,
        \`created_at\` datetime(6) NOT NULL,
        \`updated_at\` datetime(6) NOT NULL,
        UNIQUE INDEX \`UQ_users_email\` (\`email\`),
        PRIMARY KEY (\`id\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE \`access_tokens\` (
        \`id\` int UNSIGNED NOT NULL AUTO_INCREMENT,
        \`user_id\` int UNSIGNED NOT NULL,
        \`token_hash\` binary(32) NOT NULL,
        \`created_at\` datetime(6) NOT NULL,
        \`expires_at\` datetime(6) NOT NULL,
        \`last_used_at\` datetime(6) NOT NULL,
        UNIQUE INDEX \`UQ_access_tokens_token_hash\` (\`token_hash\`),
        INDEX \`IDX_access_tokens_expires_at\` (\`expires_at\`),
        INDEX \`IDX_access_tokens_user_last_used\` (\`user_id\`, \`last_used_at\`),
        PRIMARY KEY (\`id\`),
        CONSTRAINT \`FK_access_tokens_user\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\` (\`id\`)
          ON DELETE CASCADE ON UPDATE NO ACTION
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `access_tokens`');
    await queryRunner.query('DROP TABLE `users`');
  }
}
