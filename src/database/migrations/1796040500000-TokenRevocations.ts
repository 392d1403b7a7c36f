import { MigrationInterface, QueryRunner } from 'typeorm';

export class TokenRevocations1796040500000 implements MigrationInterface {
  name = 'TokenRevocations1796040500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE \`token_revocations\` (
        \`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT,
        \`user_id\` int UNSIGNED NOT NULL,
        \`token_id\` int UNSIGNED NULL,
        \`created_at\` datetime(6) NOT NULL,
        INDEX \`IDX_token_revocations_created_at\` (\`created_at\`),
        PRIMARY KEY (\`id\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `token_revocations`');
  }
}
