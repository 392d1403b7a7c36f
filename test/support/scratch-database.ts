import { createConnection } from 'mysql2/promise';

/** A database of its own on the test server, dropped afterwards. */
export async function scratchDatabase(suffix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = new URL(process.env.DATABASE_URL!);
  const scratch = new URL(base.toString());
  scratch.pathname = `${base.pathname}_${suffix}`;
  const name = scratch.pathname.slice(1);
  const admin = await createConnection({ uri: base.toString() });
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  return {
    url: scratch.toString(),
    drop: async () => {
      const connection = await createConnection({ uri: base.toString() });
      await connection.query(`DROP DATABASE \`${name}\``);
      await connection.end();
    },
  };
}
