import { readdirSync } from 'node:fs';
import { migrations } from '.';

describe('migrations/index.ts', () => {
  it('registers every migration file, oldest first', () => {
    const files = readdirSync(__dirname)
      .filter((file) => /^\d+-\w+\.ts$/.test(file))
      .sort();
    const classNames = files.map((file) => {
      const [timestamp, name] = file.replace(/\.ts$/, '').split('-');
      return `${name}${timestamp}`;
    });

    expect(migrations.map((migration) => migration.name)).toEqual(classNames);
  });
});
