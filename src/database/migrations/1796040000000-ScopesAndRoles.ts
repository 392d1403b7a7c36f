import { MigrationInterface, QueryRunner } from 'typeorm';

export class ScopesAndRoles1796040000000 implements MigrationInterface {
  name = 'ScopesAndRoles1796040000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `users` ADD `role` varchar(10) NOT NULL DEFAULT 'user'");
    await queryRunner.query('CREATE INDEX `IDX_users_role_active` ON `users` (`role`, `is_active`)');
    // Tokens issued before scopes keep the built-in account scope only: a module's scopes come with the next login.
    await queryRunner.query("ALTER TABLE `access_tokens` ADD `scopes` varchar(1000) NOT NULL DEFAULT ''");
    await queryRunner.query("UPDATE `access_tokens` SET `scopes` = 'account'");
    await queryRunner.query('ALTER TABLE `mfa_challenges` ADD `requested_scopes` varchar(1000) NULL');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `mfa_challenges` DROP COLUMN `requested_scopes`');
    await queryRunner.query('ALTER TABLE `access_tokens` DROP COLUMN `scopes`');
    await queryRunner.query('DROP INDEX `IDX_users_role_active` ON `users`');
    await queryRunner.query('ALTER TABLE `users` DROP COLUMN `role`');
  }
}
