import { MigrationInterface, QueryRunner } from 'typeorm';

export class PersonalAccessTokens1796040100000 implements MigrationInterface {
  name = 'PersonalAccessTokens1796040100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`access_tokens\`
        ADD \`kind\` varchar(10) NOT NULL DEFAULT 'session',
        ADD \`name\` varchar(100) NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `access_tokens` DROP COLUMN `name`, DROP COLUMN `kind`');
  }
}
