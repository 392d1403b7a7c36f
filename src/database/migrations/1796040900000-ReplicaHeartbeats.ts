import { MigrationInterface, QueryRunner } from 'typeorm';

export class ReplicaHeartbeats1796040900000 implements MigrationInterface {
  name = 'ReplicaHeartbeats1796040900000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `replica_heartbeats` (`instance` binary(16) NOT NULL, `beat_at` datetime(3) NOT NULL, INDEX `IDX_replica_heartbeats_beat_at` (`beat_at`), PRIMARY KEY (`instance`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `IDX_replica_heartbeats_beat_at` ON `replica_heartbeats`');
    await queryRunner.query('DROP TABLE `replica_heartbeats`');
  }
}
