import { MigrationInterface, QueryRunner } from 'typeorm';

export class CredentialVersions1796040600000 implements MigrationInterface {
  name = 'CredentialVersions1796040600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `users` ADD `credential_version` int UNSIGNED NOT NULL DEFAULT 0');
    // A challenge started before this column existed has no stamp to compare: it is dropped (its login starts again).
    await queryRunner.query('DELETE FROM `mfa_challenges`');
    await queryRunner.query('ALTER TABLE `mfa_challenges` ADD `credential_version` int UNSIGNED NOT NULL');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `mfa_challenges` DROP COLUMN `credential_version`');
    await queryRunner.query('ALTER TABLE `users` DROP COLUMN `credential_version`');
  }
}
