import { DynamicModule, INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import request, { type Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { configureApp } from '../../src/app.factory';
import { AppModule } from '../../src/app.module';
import { AccountStandingService, ScopeRegistry } from '../../src/auth/internal';
import { joinScopes } from '../../src/auth/scopes/scopes';
import { RevocationFeed } from '../../src/auth/tokens/revocation-feed';
import type { UserRole } from '../../src/users/user.entity';
import { OutboxSender } from '../../src/mail/outbox.sender';
import { LOG_DESTINATION } from '../../src/common/logging/root-logger.module';
import { Clock } from '../../src/common/time/clock';
import {
  accountConfig,
  AccountConfig,
  authConfig,
  AuthConfig,
  databaseConfig,
  DatabaseConfig,
  httpConfig,
  HttpConfig,
  identityProvidersConfig,
  IdentityProvidersConfig,
  loggingConfig,
  mailConfig,
  MailConfig,
  mfaConfig,
  MfaConfig,
  oauthConfig,
  OAuthConfig,
  sessionConfig,
  SessionConfig,
  throttlingConfig,
  ThrottlingConfig,
  webAuthnConfig,
  WebAuthnConfig,
} from '../../src/config/app.config';
import { validateEnvironment } from '../../src/config/environment';
import { NotesModule } from '../fixtures/notes/notes.module';
import { eventually } from './eventually';
import { FakeClock } from './fake-clock';
import { LogCapture, testLogDestination } from './log-capture';
import { EmlFolder, Mailbox } from './mailbox';
import { patiently, retryAfterOf503 } from './patience';
import { linkTokenOf, SmtpSink } from './smtp-sink';
import { SoftAuthenticator, SoftCredential } from './soft-authenticator';
import { totpOf } from './totp';

export interface TestApp {
  app: INestApplication<Server>;
  http: TestAgent;
  db: DataSource;
  clock: FakeClock;
  /** Where its mail arrives: the suite's SMTP sink, or the .eml files of the worker's MAIL_OUTBOX_DIR. */
  mailbox: Mailbox;
  close(): Promise<void>;
}

export interface TestAppOptions {
  auth?: Partial<AuthConfig>;
  /** Refresh tokens and introspection clients. */
  oauth?: Partial<OAuthConfig>;
  /** The identity providers (IDENTITY_PROVIDERS and their IDP_<ID>_* settings). */
  identityProviders?: Partial<IdentityProvidersConfig>;
  http?: Partial<HttpConfig>;
  session?: Partial<SessionConfig>;
  throttling?: Partial<ThrottlingConfig>;
  mail?: Partial<MailConfig>;
  /** A test SMTP server (test/support/smtp-sink.ts) to send the application's mail to: MAIL_URL, and the app's mailbox. */
  mailSink?: SmtpSink;
  account?: Partial<AccountConfig>;
  /** The keys of the TOTP secrets (a rotation, a lost key). */
  mfa?: Partial<MfaConfig>;
  /** The relying party of passkeys (RP ID, origins). */
  webauthn?: Partial<WebAuthnConfig>;
  /** Another database than the worker's own. */
  databaseUrl?: string;
  /** Read replicas (DATABASE_REPLICA_URLS, DATABASE_REPLICA_MAX_LAG). */
  database?: Partial<Pick<DatabaseConfig, 'replicaUrls' | 'replicaMaxLagMs'>>;
  /** Leaves the revocation log's polls running at their own pace, as in production (replica reads rely on them). */
  liveRevocationFeed?: boolean;
  imports?: ModuleMetadata['imports'];
  /** Sends the application's own events (Nest's Logger) to the JSON log too, where this capture reads them. */
  logs?: LogCapture;
  /** Real time instead of the fake clock. */
  realClock?: boolean;
  /** Sends what earlier applications left in the outbox, instead of starting with an empty one. */
  keepOutbox?: boolean;
}

/**
 * Another team's modules that `npm run test:extension` (TEST_MOUNT=notes)
 * mounts in AppModule's own imports, as its one line there would: the shared
 * suites then run beside a module that is not the service's.
 */
const MOUNTABLE: Record<string, DynamicModule['imports']> = { notes: [NotesModule] };

function appModule(environment: ReturnType<typeof validateEnvironment>): DynamicModule {
  const root = AppModule.withEnvironment(environment);
  const mounted = (process.env.TEST_MOUNT ?? '')
    .split(',')
    .filter((name) => name !== '')
    .flatMap((name) => {
      const modules = MOUNTABLE[name];
      if (!modules) throw new Error(`TEST_MOUNT names ${name}: none of ${Object.keys(MOUNTABLE).join(', ')}`);
      return modules;
    });
  return { ...root, imports: [...(root.imports ?? []), ...mounted] };
}

/** The production AppModule and server settings on the worker's test database. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const clock = new FakeClock(new Date());
  const environment = validateEnvironment(process.env);
  let builder = Test.createTestingModule({ imports: [appModule(environment), ...(options.imports ?? [])] });
  const namespaces = [
    [authConfig, options.auth],
    [oauthConfig, options.oauth],
    [identityProvidersConfig, options.identityProviders],
    [httpConfig, options.http],
    [sessionConfig, options.session],
    [throttlingConfig, options.throttling],
    [mailConfig, options.mailSink ? { ...options.mail, mailUrl: options.mailSink.url } : options.mail],
    [accountConfig, options.account],
    [mfaConfig, options.mfa],
    [webAuthnConfig, options.webauthn],
  ] as const;
  for (const [namespace, overrides] of namespaces) {
    if (overrides) builder = builder.overrideProvider(namespace.KEY).useValue({ ...namespace.fromEnvironment(environment), ...overrides });
  }
  if (options.databaseUrl || options.database) {
    builder = builder.overrideProvider(databaseConfig.KEY).useValue({
      ...databaseConfig.fromEnvironment(environment),
      ...options.database,
      ...(options.databaseUrl ? { url: options.databaseUrl } : {}),
    });
  }
  builder = builder
    .overrideProvider(LOG_DESTINATION)
    .useValue(testLogDestination)
    .overrideProvider(loggingConfig.KEY)
    .useValue({ level: 'trace', format: 'json' });
  if (!options.realClock) {
    builder = builder.overrideProvider(Clock).useValue(clock);
  }
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<INestApplication<Server>>({
    bodyParser: false,
    logger: ['error'],
    bufferLogs: Boolean(options.logs),
  });
  if (options.logs) app.useLogger(app.get(Logger));
  configureApp(app);
  // Before the sender starts (at init): a message another suite left on the worker's database would reach this one's mail server.
  if (!options.keepOutbox) await app.get(DataSource).query("DELETE FROM mail_outbox WHERE status IN ('pending', 'sending')");
  try {
    await app.init();
  } catch (error) {
    // A refused start (a wiring check) leaves the pool open: close it, or Jest never exits.
    await app.close();
    throw error;
  }
  // The scheduled jobs and the revocation log's reads would run at the wall clock's pace against the test's
  // fake clock, and add queries to those a test counts; tests fire them by hand.
  for (const job of app.get(SchedulerRegistry).getCronJobs().values()) void job.stop();
  if (!options.liveRevocationFeed) app.get(RevocationFeed).stop();
  const db = app.get(DataSource);
  const mailbox = options.mailSink ?? (await EmlFolder.open(app.get<MailConfig>(mailConfig.KEY).outboxDir));
  return { app, http: request(app.getHttpServer()), db, clock, mailbox, close: () => app.close() };
}

/**
 * The application `make` builds, for the enclosing describe block (or file):
 * made in its beforeAll, closed in its afterAll. Read it inside tests and
 * hooks only.
 */
export function useApp(make: () => Promise<TestApp>): TestApp {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await make();
  });
  afterAll(() => current?.close());
  return new Proxy({} as TestApp, {
    get(_, key) {
      if (!current) throw new Error(`the test application is made in beforeAll: read t.${String(key)} inside a test or a hook`);
      return Reflect.get(current, key) as unknown;
    },
  });
}

/**
 * createTestApp(options) for the enclosing describe block (useApp). `options`
 * may be a function, for options made in an earlier beforeAll.
 */
export function useTestApp(options: TestAppOptions | (() => TestAppOptions) = {}): TestApp {
  return useApp(() => createTestApp(typeof options === 'function' ? options() : options));
}

/** The scopes a login that asks for none gives a user of this role, as stored: those of every module mounted. */
export function grantedScopes(t: TestApp, role: UserRole = 'user'): string {
  return joinScopes(t.app.get(ScopeRegistry).grantable(role));
}

/** Every scope of the application, with its description, as the API docs list them. */
export function allScopes(t: TestApp): Record<string, string> {
  return Object.fromEntries(t.app.get(ScopeRegistry).all());
}

/** Makes the user an admin, as an operator does with `npm run users:set-role`. Tokens issued before get no admin scope. */
export async function makeAdmin(t: TestApp, userId: number): Promise<void> {
  await t.app.get(AccountStandingService).change(userId, { role: 'admin' }, null);
}

/** Empties the table of every entity the application has, whichever module brought it. */
export async function resetDatabase(db: DataSource): Promise<void> {
  const runner = db.createQueryRunner();
  try {
    // One connection: the foreign keys are off for this session only, so the order of the tables does not matter.
    await runner.query('SET FOREIGN_KEY_CHECKS = 0');
    for (const { tableName } of db.entityMetadatas) await runner.query(`DELETE FROM \`${tableName}\``);
  } finally {
    await runner.query('SET FOREIGN_KEY_CHECKS = 1');
    await runner.release();
  }
}

export async function rowCounts(db: DataSource): Promise<{ users: number; tokens: number }> {
  const [[users], [tokens]] = await Promise.all([
    db.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM users'),
    db.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM access_tokens'),
  ]);
  return { users: Number(users.n), tokens: Number(tokens.n) };
}

export const PASSWORD = 'correct horse battery staple';

/**
 * A request of a suite's set-up, asked again as told while the service sheds
 * it (503 with Retry-After); any other answer than `status` fails the set-up, naming it.
 */
async function sentPatiently(what: string, status: number, send: () => PromiseLike<Response>): Promise<Response> {
  const response = await patiently(
    () => Promise.resolve(send()),
    (answer) => retryAfterOf503(answer.status, answer.headers['retry-after'] as string | undefined),
  );
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  return response;
}

/** Registers a user; returns its id. */
async function register(http: TestAgent, email: string, password: string): Promise<number> {
  const registered = await sentPatiently(`registration of ${email}`, 201, () => http.post('/auth/register').send({ email, password }));
  return (registered.body as { id: number }).id;
}

/** Registers a user and logs in; returns the user id and a bearer token. */
export async function registerAndLogin(http: TestAgent, email: string, password = PASSWORD): Promise<{ userId: number; token: string }> {
  const userId = await register(http, email, password);
  return { userId, token: await login(http, email, password) };
}

export async function login(http: TestAgent, email: string, password = PASSWORD): Promise<string> {
  const response = await sentPatiently(`login of ${email}`, 200, () => http.post('/auth/token').send({ email, password }));
  return (response.body as { access_token: string }).access_token;
}

/** A session's first pair: a password-grant login that asks for a refresh token too (`offline_access`). */
export async function offlineLogin(
  http: TestAgent,
  email: string,
  scope = 'offline_access',
  password = PASSWORD,
): Promise<{ access: string; refresh: string }> {
  const response = await http.post('/auth/token').type('form').send({ username: email, password, scope }).expect(200);
  const body = response.body as { access_token: string; refresh_token: string };
  return { access: body.access_token, refresh: body.refresh_token };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Sends what the outbox holds now, and waits until no message is left to send: the mail is in the app's mailbox. */
export async function deliverMail(t: TestApp): Promise<void> {
  const unsent = async () =>
    Number((await t.db.query<Array<{ n: string }>>("SELECT COUNT(*) AS n FROM mail_outbox WHERE status IN ('pending', 'sending')"))[0].n);
  const sender = t.app.get(OutboxSender);
  const drained = await eventually(
    async () => {
      await sender.sendDue();
      return (await unsent()) === 0;
    },
    20_000,
    20,
  );
  if (!drained) throw new Error('the outbox still holds unsent messages');
}

/**
 * Verifies the address as its owner would: follows the link of the latest
 * verification message in the app's mailbox. Credentials beyond the password
 * (passkeys, TOTP, personal tokens) need a verified address.
 */
export async function verifyEmail(t: TestApp, email: string): Promise<void> {
  await deliverMail(t);
  const verification = (await t.mailbox.messagesTo(email)).filter((mail) => mail.subject === 'Confirm your email address').pop();
  if (!verification) throw new Error(`no verification message to ${email}`);
  await t.http
    .post('/auth/email-verification/confirm')
    .send({ token: linkTokenOf(verification) })
    .expect(200);
}

/** Registers a user, verifies the address by its mailed link, and logs in; returns the user id and a bearer token. */
export async function registerVerified(t: TestApp, email: string, password = PASSWORD): Promise<{ userId: number; token: string }> {
  const userId = await register(t.http, email, password);
  await verifyEmail(t, email);
  return { userId, token: await login(t.http, email, password) };
}

/** Turns MFA on for the token's user: an enrolment, then its first code, the one of `at`'s time step. */
export async function turnMfaOn(http: TestAgent, token: string, at: Date): Promise<{ secret: string; recoveryCodes: string[] }> {
  const { secret } = (await http.post('/auth/mfa/totp').set(bearer(token)).send({ currentPassword: PASSWORD }).expect(200)).body as {
    secret: string;
  };
  const confirmed = await http
    .post('/auth/mfa/totp/confirm')
    .set(bearer(token))
    .send({ code: totpOf(secret, at) })
    .expect(200);
  return { secret, recoveryCodes: (confirmed.body as { recoveryCodes: string[] }).recoveryCodes };
}

/**
 * Adds a passkey of `authenticator` to the token's user (whose address is
 * verified): the options, asked with the current password, then the
 * authenticator's answer; returns its id and credential.
 */
export async function addPasskey(
  http: TestAgent,
  token: string,
  authenticator: SoftAuthenticator,
  name?: string,
  proof: { currentPassword: string; code?: string } = { currentPassword: PASSWORD },
): Promise<{ id: number; credential: SoftCredential }> {
  const options = await http.post('/auth/passkeys/registration-options').set(bearer(token)).send(proof).expect(200);
  const { response, credential } = authenticator.register(options.body as Parameters<SoftAuthenticator['register']>[0]);
  const added = await http
    .post('/auth/passkeys')
    .set(bearer(token))
    .send({ response, ...(name === undefined ? {} : { name }) })
    .expect(201);
  return { id: (added.body as { id: number }).id, credential };
}

/** Options of a passkey login, as the browser gets them. */
export async function passkeyLoginOptions(http: TestAgent): Promise<{ challenge: string; rpId?: string }> {
  return (await http.post('/auth/passkeys/authentication-options').expect(200)).body as { challenge: string; rpId?: string };
}
