import { MigrationInterface, QueryRunner } from 'typeorm';

export class SecurityEvents1796040300000 implements MigrationInterface {
  name = 'SecurityEvents1796040300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE \`security_events\` (
        \`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT,
        \`user_id\` int UNSIGNED NOT NULL,
        \`type\` varchar(40) NOT NULL,
        \`ip\` varchar(45) NULL,
        \`user_agent\` varchar(255) NULL,
        \`actor_id\` int UNSIGNED NULL,
        \`created_at\` datetime(6) NOT NULL,
        INDEX \`IDX_security_events_user\` (\`user_id\`, \`id\`),
        INDEX \`IDX_security_events_type\` (\`type\`, \`id\`),
        INDEX \`IDX_security_events_created_at\` (\`created_at\`),
        PRIMARY KEY (\`id\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `security_events`');
  }
}
