import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTestDatabases } from './test-databases';
import { TEST_MFA_ENCRYPTION_KEY } from './test-keys';

// Runs in every e2e test file before it imports anything from src/.
const { urls } = loadTestDatabases();
const worker = Number(process.env.JEST_WORKER_ID ?? '1');
process.env.DATABASE_URL = urls[(worker - 1) % urls.length];
process.env.NODE_ENV = 'test';
process.env.BCRYPT_COST = '10';
process.env.MFA_ENCRYPTION_KEY = TEST_MFA_ENCRYPTION_KEY;
// Suites that read mail give their application a test SMTP server; the others' messages land in files here.
process.env.MAIL_OUTBOX_DIR = join(tmpdir(), `nest-auth-test-mail-w${worker}`);
// Suites fire bursts to test races; shedding is tested on its own (test/admission.e2e-spec.ts).
process.env.PASSWORD_HASHING_QUEUE = '1000';
// All from one address: the per-client share of the queue is tested on its own (test/admission.e2e-spec.ts).
process.env.PASSWORD_HASHING_QUEUE_PER_CLIENT = '1000';
process.env.PASSWORD_HASHING_MAX_WAIT_MS = '0';
// Every suite logs in from 127.0.0.1: the per-client limits are tested on their own (test/security/throttling.e2e-spec.ts).
process.env.LOGIN_MAX_FAILURES_PER_CLIENT = '1000000';
process.env.REGISTRATIONS_PER_CLIENT = '1000000';
