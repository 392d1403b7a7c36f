import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateThrottleCounters1795606817448 implements MigrationInterface {
  name = 'CreateThrottleCounters1795606817448';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE \`throttle_counters\` (
        \`key_hash\` binary(32) NOT NULL,
        \`hits\` int UNSIGNED NOT NULL,
        \`window_ends_at\` datetime(6) NOT NULL,
        INDEX \`IDX_throttle_counters_window_ends_at\` (\`window_ends_at\`),
        PRIMARY KEY (\`key_hash\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `throttle_counters`');
  }
}
