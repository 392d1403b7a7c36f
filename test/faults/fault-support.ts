import { createConnection, RowDataPacket } from 'mysql2/promise';
import type { Answer } from '../support/service-http';

export const json = (value: unknown) => JSON.stringify(value);

/** Records `problem` unless the check `holds`. */
export function check(problems: string[], holds: boolean, problem: string): void {
  if (!holds) problems.push(problem);
}

/** How many answers of each status: `{ "201": 1, "409": 49 }`. */
export function statusCounts(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
  return counts;
}

export const serverErrors = (answers: Answer[]) => answers.filter((answer) => answer.status >= 500 || answer.status === 0);

/** One statement on a connection of its own (in UTC), and the rows it gave. */
export async function runQuery<Row>(databaseUrl: string, sql: string, parameters: unknown[] = []): Promise<Row[]> {
  const connection = await createConnection({ uri: databaseUrl, timezone: 'Z' });
  try {
    const [rows] = await connection.query<Array<RowDataPacket & Row>>(sql, parameters);
    return rows;
  } finally {
    await connection.end();
  }
}

export async function threadsConnected(databaseUrl: string): Promise<number> {
  const [status] = await runQuery<{ Value: string }>(databaseUrl, "SHOW GLOBAL STATUS LIKE 'Threads_connected'");
  // The connection that asked is one of them.
  return Number(status.Value) - 1;
}

/** The `n` of a `SELECT COUNT(*) AS n ...`, on a connection of its own. */
export async function countRows(databaseUrl: string, sql: string, parameters: unknown[] = []): Promise<number> {
  const [row] = await runQuery<{ n: number | string }>(databaseUrl, sql, parameters);
  return Number(row.n);
}

/** Runs `work` from `workers` loops until `until()` is true; every answer is kept. */
export async function loadUntil(workers: number, until: () => boolean, work: (worker: number) => Promise<Answer>): Promise<Answer[]> {
  const answers: Answer[] = [];
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (!until()) answers.push(await work(worker));
    }),
  );
  return answers;
}

/** Emails with random letter case: one account for the service, 50 spellings. */
export function caseVariants(email: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) =>
    index === 0 ? email : [...email].map((character) => (Math.random() < 0.5 ? character.toUpperCase() : character)).join(''),
  );
}
