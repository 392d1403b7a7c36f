import { migrationSource, TABLE_OPTIONS } from './migration-source';

describe('migrationSource', () => {
  const source = migrationSource(
    'CreateProjects',
    1796600000000,
    [
      { query: 'CREATE TABLE `projects` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`)) ENGINE=InnoDB' },
      { query: 'ALTER TABLE `projects` ADD CONSTRAINT `FK_projects_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`)' },
    ],
    [{ query: 'DROP TABLE `projects`' }, { query: 'ALTER TABLE `projects` DROP FOREIGN KEY `FK_projects_user`' }],
  );

  it('names the class and the migration after the name and the timestamp, as TypeORM finds them', () => {
    expect(source).toContain('export class CreateProjects1796600000000 implements MigrationInterface {');
    expect(source).toContain("name = 'CreateProjects1796600000000';");
  });

  it('makes a new table with the service’s table options: InnoDB, utf8mb4, utf8mb4_unicode_ci', () => {
    expect(source).toContain(`PRIMARY KEY (\`id\`)) ${TABLE_OPTIONS}"`);
    expect(TABLE_OPTIONS).toBe('ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci');
  });

  it('undoes in down what up did, last first', () => {
    const down = source.slice(source.indexOf('public async down'));
    expect(down.indexOf('DROP FOREIGN KEY')).toBeLessThan(down.indexOf('DROP TABLE'));
  });
});
