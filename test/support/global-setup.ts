import type { Config } from '@jest/types';
import { createConnection } from 'mysql2/promise';
import { migrateDatabase, resolveBaseUrl, saveTestDatabases, workerDatabaseUrl } from './test-databases';

/** Creates a fresh database per worker and applies every migration once, the fixture modules' too. */
export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  const base = resolveBaseUrl();
  const workers = Math.max(1, globalConfig.maxWorkers);
  const urls = Array.from({ length: workers }, (_, index) => workerDatabaseUrl(base, index + 1));

  const admin = await createConnection({ uri: base.toString().replace(/\/[^/]*$/, '/') });
  try {
    for (const url of urls) {
      const name = new URL(url).pathname.slice(1);
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    }
  } finally {
    await admin.end();
  }

  for (const url of urls) await migrateDatabase(url, { withFixtures: true });
  saveTestDatabases({ urls });
}
