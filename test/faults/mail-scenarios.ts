import { setTimeout as sleep } from 'node:timers/promises';
import { call, register } from '../support/service-http';
import type { SmtpSink } from '../support/smtp-sink';
import { eventually } from '../support/eventually';
import { check, countRows, runQuery, json, serverErrors, statusCounts } from './fault-support';
import { PASSWORD, Scenario } from './scenarios';

/** Long enough for a duplicate to show up after the last expected message: several retry delays at MAIL_RETRY_BASE_MS 500. */
const SETTLE_MS = 3000;
const DELIVERY_TIMEOUT_MS = 60_000;

/** How many messages with this subject reached each address (absent: none). */
function deliveries(mail: SmtpSink, addresses: string[], subject: string): Map<string, number> {
  return new Map(addresses.map((address) => [address, mail.to(address).filter((message) => message.subject === subject).length]));
}

const everyOnce = (counts: Map<string, number>) => [...counts.values()].every((count) => count === 1);
const summary = (counts: Map<string, number>) => {
  const histogram: Record<string, number> = {};
  for (const count of counts.values()) histogram[`${count}x`] = (histogram[`${count}x`] ?? 0) + 1;
  return json(histogram);
};

const minAttempts = (databaseUrl: string, subject: string, addresses: string[]) =>
  countRows(databaseUrl, 'SELECT MIN(attempts) AS n FROM mail_outbox WHERE subject = ? AND recipient IN (?)', [subject, addresses]);

/** Messages to these addresses still to send (a crashed instance's claims on others' lapse only after 5 minutes). */
const unsent = (databaseUrl: string, addresses: string[]) =>
  countRows(databaseUrl, "SELECT COUNT(*) AS n FROM mail_outbox WHERE status IN ('pending', 'sending') AND recipient IN (?)", [addresses]);

/**
 * Security item 40: the mail server down while 50 resets are requested. Every
 * request answers 202 at once (the mail waits in the outbox), the sender
 * retries with backoff, and once the server is back every message arrives,
 * none twice.
 */
export const mailServerDown: Scenario = {
  name: 'mail server down',
  async run({ service, databaseUrl, mail }) {
    const subject = 'Reset your password';
    const addresses = Array.from({ length: 50 }, (_, index) => `forgetful-${index}@example.com`);
    await Promise.all(addresses.map((address) => register(service, address, PASSWORD)));
    await eventually(async () => (await unsent(databaseUrl, addresses)) === 0, DELIVERY_TIMEOUT_MS);

    await mail.stop();
    const answers = await Promise.all(addresses.map((email) => call(service.baseUrl, 'POST', '/auth/password-reset', { json: { email } })));
    // Down until every reset has failed twice: the retries ran into the closed port.
    const retried = await eventually(async () => (await minAttempts(databaseUrl, subject, addresses)) >= 2, DELIVERY_TIMEOUT_MS);
    const attemptsWhileDown = await countRows(
      databaseUrl,
      'SELECT SUM(attempts) AS n FROM mail_outbox WHERE subject = ? AND recipient IN (?)',
      [subject, addresses],
    );
    await mail.listen();
    const backAt = performance.now();
    const delivered = await eventually(
      () => [...deliveries(mail, addresses, subject).values()].every((count) => count >= 1),
      DELIVERY_TIMEOUT_MS,
    );
    const deliveredAfterMs = performance.now() - backAt;
    await eventually(async () => (await unsent(databaseUrl, addresses)) === 0, DELIVERY_TIMEOUT_MS);
    await sleep(SETTLE_MS);
    const counts = deliveries(mail, addresses, subject);

    const problems: string[] = [];
    check(
      problems,
      serverErrors(answers).length === 0 && answers.every((answer) => answer.status === 202),
      `reset requests: ${json(statusCounts(answers))}`,
    );
    check(problems, retried, 'the resets were not tried twice while the server was down');
    check(problems, delivered, `not every reset arrived within ${DELIVERY_TIMEOUT_MS / 1000} s of the server's return`);
    check(problems, everyOnce(counts), `reset messages per address: ${summary(counts)}`);
    return {
      figures:
        `50 resets with the server down: ${json(statusCounts(answers))}; ${attemptsWhileDown} failed attempts (each retried) before it came back; ` +
        `all 50 delivered ${Math.round(deliveredAfterMs)} ms after, per address ${summary(counts)}`,
      problems,
    };
  },
};

/**
 * Security item 40: two instances drain one outbox side by side; each
 * message reaches the server exactly once. The backlog builds up while the
 * server is away, then every retry comes due at once, as after a long
 * outage, so that both instances claim in full batches, back to back.
 */
export const twoSenders: Scenario = {
  name: 'two instances on one outbox',
  async run({ service, databaseUrl, mail, startInstance }) {
    const other = await startInstance({ LOG_LEVEL: 'log' });
    const instanceOf = (index: number) => (index % 2 === 0 ? service : other);
    const addresses = Array.from({ length: 100 }, (_, index) => `drained-${index}@example.com`);

    await mail.stop();
    const registrations = await Promise.all(addresses.map((address, index) => register(instanceOf(index), address, PASSWORD)));
    const resets = await Promise.all(
      [...addresses, ...addresses].map((email, index) =>
        call(instanceOf(index + 1).baseUrl, 'POST', '/auth/password-reset', { json: { email } }),
      ),
    );
    const queued = await eventually(
      async () =>
        (await countRows(
          databaseUrl,
          "SELECT COUNT(*) AS n FROM mail_outbox WHERE recipient IN (?) AND attempts >= 1 AND status = 'pending'",
          [addresses],
        )) ===
        3 * addresses.length,
      DELIVERY_TIMEOUT_MS,
    );
    await mail.listen();
    await runQuery(databaseUrl, "UPDATE mail_outbox SET next_attempt_at = '2000-01-01' WHERE status = 'pending'");
    const perAddress = () => new Map(addresses.map((address) => [address, mail.to(address).length]));
    const delivered = await eventually(() => [...perAddress().values()].every((count) => count >= 3), DELIVERY_TIMEOUT_MS);
    await eventually(async () => (await unsent(databaseUrl, addresses)) === 0, DELIVERY_TIMEOUT_MS);
    await sleep(SETTLE_MS);
    const counts = perAddress();
    const subjects = addresses.map((address) =>
      mail
        .to(address)
        .map((message) => message.subject)
        .sort()
        .join(' + '),
    );
    const sentByOther = other.logs.filter((line) => line.event === 'mail.sent').length;
    await other.stop();

    const total = 3 * addresses.length;
    const problems: string[] = [];
    check(
      problems,
      registrations.every((answer) => answer.status === 201),
      `registrations: ${json(statusCounts(registrations))}`,
    );
    check(
      problems,
      resets.every((answer) => answer.status === 202),
      `reset requests: ${json(statusCounts(resets))}`,
    );
    check(problems, queued, `the ${total} messages were not all tried while the server was away`);
    check(problems, delivered, `not every message arrived within ${DELIVERY_TIMEOUT_MS / 1000} s`);
    check(
      problems,
      subjects.every((list) => list === 'Confirm your email address + Reset your password + Reset your password'),
      `messages per address: ${summary(counts)}`,
    );
    check(problems, sentByOther > 0 && sentByOther < total, `the second instance sent ${sentByOther} of ${total}: not both drained`);
    return {
      figures: `${total} messages due at once on two instances: the second sent ${sentByOther}, the first ${total - sentByOther}; messages per address ${summary(counts)} (3 expected)`,
      problems,
    };
  },
};
