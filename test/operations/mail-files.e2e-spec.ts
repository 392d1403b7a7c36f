import { simpleParser } from 'mailparser';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { buildCliDataSourceOptions } from '../../src/database/data-source-options';
import { eventually } from '../support/eventually';
import { call, register } from '../support/service-http';
import { startServiceProcess } from '../support/service-process';
import { PASSWORD, resetDatabase } from '../support/test-app';

const PROCESS_TEST_TIMEOUT_MS = 60_000;

/** The .eml files of a folder, once there are `count`. */
async function emlFiles(dir: string, count: number): Promise<string[]> {
  let files: string[] = [];
  const found = await eventually(
    async () => {
      files = (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.eml')).sort();
      return files.length >= count;
    },
    20_000,
    50,
  );
  if (!found) throw new Error(`${files.length} .eml files in ${dir}, waiting for ${count}`);
  return files;
}

/**
 * The mail of `npm start` on a fresh machine: with no MAIL_URL, each message
 * is an .eml file a developer opens in any mail client, with a link that works.
 */
describe('Mail with no MAIL_URL', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nest-auth-eml-'));
    const db = await new DataSource(await buildCliDataSourceOptions({ url: process.env.DATABASE_URL! })).initialize();
    await resetDatabase(db);
    await db.destroy();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(
    'writes a registration’s verification message as a readable .eml file, whose link verifies the address',
    async () => {
      const service = await startServiceProcess({
        MAIL_URL: '',
        MAIL_OUTBOX_DIR: dir,
        APP_URL: 'https://app.example.com',
        WEBAUTHN_RP_ID: 'example.com',
      });
      try {
        expect((await register(service, 'developer@example.com', PASSWORD)).status).toBe(201);

        const [file] = await emlFiles(dir, 1);
        const mail = await simpleParser(await readFile(join(dir, file)));

        expect(mail.to).toMatchObject({ value: [{ address: 'developer@example.com' }] });
        expect(mail.from).toMatchObject({ value: [{ address: 'no-reply@localhost' }] });
        expect(mail.subject).toBe('Confirm your email address');
        const link = /https:\/\/app\.example\.com\/verify-email#token=(lnk_[A-Za-z0-9_-]{43})/.exec(mail.text ?? '');
        expect(link).not.toBeNull();
        expect(mail.html).toContain(link?.[0]);

        const confirmed = await call(service.baseUrl, 'POST', '/auth/email-verification/confirm', { json: { token: link?.[1] } });
        expect(confirmed).toMatchObject({ status: 200, body: { email: 'developer@example.com', emailVerified: true } });
      } finally {
        await service.stop();
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
