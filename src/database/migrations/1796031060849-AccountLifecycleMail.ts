import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountLifecycleMail1796031060849 implements MigrationInterface {
  name = 'AccountLifecycleMail1796031060849';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`users\`
        ADD \`email_verified_at\` datetime(6) NULL,
        ADD \`pending_email\` varchar(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL`);
    await queryRunner.query(`
      CREATE TABLE \`link_tokens\` (
        \`id\` int UNSIGNED NOT NULL AUTO_INCREMENT,
        \`user_id\` int UNSIGNED NOT NULL,
        \`purpose\` varchar(20) NOT NULL,
        \`token_hash\` binary(32) NOT NULL,
        \`email\` varchar(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        \`created_at\` datetime(6) NOT NULL,
        \`expires_at\` datetime(6) NOT NULL,
        UNIQUE INDEX \`UQ_link_tokens_token_hash\` (\`token_hash\`),
        INDEX \`IDX_link_tokens_user_purpose\` (\`user_id\`, \`purpose\`),
        INDEX \`IDX_link_tokens_expires_at\` (\`expires_at\`),
        PRIMARY KEY (\`id\`),
        CONSTRAINT \`FK_link_tokens_user\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\` (\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE \`mail_outbox\` (
        \`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT,
        \`recipient\` varchar(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        \`subject\` varchar(200) NOT NULL,
        \`text_body\` mediumtext NULL,
        \`html_body\` mediumtext NULL,
        \`status\` varchar(10) NOT NULL,
        \`attempts\` int UNSIGNED NOT NULL DEFAULT 0,
        \`next_attempt_at\` datetime(6) NOT NULL,
        \`claimed_until\` datetime(6) NULL,
        \`last_error\` varchar(500) NULL,
        \`created_at\` datetime(6) NOT NULL,
        \`sent_at\` datetime(6) NULL,
        INDEX \`IDX_mail_outbox_status_next_attempt\` (\`status\`, \`next_attempt_at\`),
        PRIMARY KEY (\`id\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `mail_outbox`');
    await queryRunner.query('DROP TABLE `link_tokens`');
    await queryRunner.query('ALTER TABLE `users` DROP COLUMN `pending_email`, DROP COLUMN `email_verified_at`');
  }
}
