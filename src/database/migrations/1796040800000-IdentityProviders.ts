import { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentityProviders1796040800000 implements MigrationInterface {
  name = 'IdentityProviders1796040800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `identities` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `user_id` int UNSIGNED NOT NULL, `provider` varchar(32) NOT NULL, `subject` varchar(255) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NOT NULL, `email` varchar(254) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NULL, `created_at` datetime(6) NOT NULL, `last_used_at` datetime(6) NULL, UNIQUE INDEX `UQ_identities_provider_subject` (`provider`, `subject`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci',
    );
    await queryRunner.query(
      'CREATE TABLE `provider_flows` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `secret_hash` binary(32) NOT NULL, `stage` varchar(10) NOT NULL, `provider` varchar(32) NOT NULL, `mode` varchar(10) NOT NULL, `redirect_to` varchar(2048) NOT NULL, `binding_hash` binary(32) NULL, `code_verifier` varchar(128) NULL, `nonce` varchar(64) NULL, `app_code_challenge` char(43) NULL, `user_id` int UNSIGNED NULL, `linking` tinyint NOT NULL DEFAULT 0, `credential_version` int UNSIGNED NULL, `created_at` datetime(6) NOT NULL, `expires_at` datetime(6) NOT NULL, UNIQUE INDEX `UQ_provider_flows_secret_hash` (`secret_hash`), INDEX `IDX_provider_flows_expires_at` (`expires_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci',
    );
    await queryRunner.query('ALTER TABLE `mfa_challenges` ADD `app_code_challenge` char(43) NULL');
    await queryRunner.query('ALTER TABLE `mfa_challenges` ADD `provider` varchar(32) NULL');
    await queryRunner.query('ALTER TABLE `users` CHANGE `hashed_password` `hashed_password` varchar(255) NULL');
    await queryRunner.query('ALTER TABLE `access_tokens` ADD `signed_in_at` datetime(6) NULL');
    await queryRunner.query(
      'ALTER TABLE `identities` ADD CONSTRAINT `FK_identities_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `provider_flows` ADD CONSTRAINT `FK_provider_flows_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `provider_flows` DROP FOREIGN KEY `FK_provider_flows_user`');
    await queryRunner.query('ALTER TABLE `identities` DROP FOREIGN KEY `FK_identities_user`');
    await queryRunner.query('ALTER TABLE `access_tokens` DROP COLUMN `signed_in_at`');
    await queryRunner.query('ALTER TABLE `users` CHANGE `hashed_password` `hashed_password` varchar(255) NOT NULL');
    await queryRunner.query('ALTER TABLE `mfa_challenges` DROP COLUMN `provider`');
    await queryRunner.query('ALTER TABLE `mfa_challenges` DROP COLUMN `app_code_challenge`');
    await queryRunner.query('DROP INDEX `IDX_provider_flows_expires_at` ON `provider_flows`');
    await queryRunner.query('DROP INDEX `UQ_provider_flows_secret_hash` ON `provider_flows`');
    await queryRunner.query('DROP TABLE `provider_flows`');
    await queryRunner.query('DROP INDEX `UQ_identities_provider_subject` ON `identities`');
    await queryRunner.query('DROP TABLE `identities`');
  }
}
