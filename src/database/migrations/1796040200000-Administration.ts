import { MigrationInterface, QueryRunner } from 'typeorm';

export class Administration1796040200000 implements MigrationInterface {
  name = 'Administration1796040200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `users` ADD `last_login_at` datetime(6) NULL');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `users` DROP COLUMN `last_login_at`');
  }
}
