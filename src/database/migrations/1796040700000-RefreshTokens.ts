import { MigrationInterface, QueryRunner } from 'typeorm';

export class RefreshTokens1796040700000 implements MigrationInterface {
  name = 'RefreshTokens1796040700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TABLE `refresh_tokens` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `session_id` int UNSIGNED NOT NULL, `token_hash` binary(32) NOT NULL, `scopes` varchar(1000) NOT NULL DEFAULT '', `session_started_at` datetime(6) NOT NULL, `created_at` datetime(6) NOT NULL, `expires_at` datetime(6) NOT NULL, `used_at` datetime(6) NULL, UNIQUE INDEX `UQ_refresh_tokens_token_hash` (`token_hash`), INDEX `IDX_refresh_tokens_expires_at` (`expires_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
    );
    await queryRunner.query('ALTER TABLE `mfa_challenges` ADD `offline_access` tinyint NOT NULL DEFAULT 0');
    await queryRunner.query('ALTER TABLE `access_tokens` ADD `refreshable_until` datetime(6) NULL');
    await queryRunner.query(
      'ALTER TABLE `refresh_tokens` ADD CONSTRAINT `FK_refresh_tokens_session` FOREIGN KEY (`session_id`) REFERENCES `access_tokens`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `refresh_tokens` DROP FOREIGN KEY `FK_refresh_tokens_session`');
    await queryRunner.query('ALTER TABLE `access_tokens` DROP COLUMN `refreshable_until`');
    await queryRunner.query('ALTER TABLE `mfa_challenges` DROP COLUMN `offline_access`');
    await queryRunner.query('DROP INDEX `IDX_refresh_tokens_expires_at` ON `refresh_tokens`');
    await queryRunner.query('DROP INDEX `UQ_refresh_tokens_token_hash` ON `refresh_tokens`');
    await queryRunner.query('DROP TABLE `refresh_tokens`');
  }
}
