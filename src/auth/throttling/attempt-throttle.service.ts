import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DomainError } from '../../common/errors/domain-error';
import type { ErrorCode } from '../../common/errors/error-codes';
import { Clock } from '../../common/time/clock';
import type { Transaction } from '../../database/unit-of-work';
import { throttlingConfig, ThrottlingConfig } from '../../config/app.config';
import { deleteInBatches } from '../../database/delete-in-batches';
import { AccountAttemptGate } from './account-attempt-gate';
import { throttlingClientKey } from './client-network';
import { CounterState, ThrottleCountersRepository } from './throttle-counters.repository';

type CounterKind =
  | 'login-account'
  | 'login-client'
  | 'registration-client'
  | 'passkey-challenge-client'
  | 'provider-flow-client'
  | 'reset-account'
  | 'reset-client'
  | 'verification-mail'
  | 'email-change-user'
  | `mail-to:${MailKind}`;

/**
 * The kinds of message that someone other than the address's owner can make
 * the service send to an address, each with its own hourly budget there: a
 * verification link (registration or resend), an email change's
 * confirmation link, a reset link, a notice to the account's address (its
 * password changed, a change of address asked for).
 */
export type MailKind = 'verification' | 'email-change' | 'reset-link' | 'notice';

const HOUR_SECONDS = 3600;
/** Messages of one kind that one address may be sent in an hour: a few, never a flood. */
const MAILS_PER_ADDRESS_PER_HOUR = 3;
/** Verification mails one user may be sent in an hour, the registration's included. */
const VERIFICATION_MAILS_PER_USER = 3;
const EMAIL_CHANGES_PER_USER_PER_HOUR = 5;

const MINUTE_SECONDS = 60;

const PRUNE_INTERVAL_MS = 60_000;
const PRUNE_BATCH = 1000;

/** The counters a check of a secret was counted against. */
interface SecretAttempt {
  account: Buffer;
  client: Buffer;
}

/** The answers that mean "the secret was wrong": the verdict of a check, which keeps its count. */
const WRONG_SECRET = new Set<ErrorCode>(['INVALID_CREDENTIALS', 'INVALID_CURRENT_PASSWORD', 'INVALID_MFA_CODE']);

function counterKey(kind: CounterKind, value: string): Buffer {
  return createHash('sha256').update(`${kind}\0${value}`).digest();
}

/**
 * Limits password guessing and mass registration, per account and per client
 * address, with counters shared by every instance through the database.
 * Checks of secrets (logins, current passwords) count failures only, on the
 * counters of logins (a success resets the account's count); registrations
 * count every attempt.
 */
@Injectable()
export class AttemptThrottleService {
  private readonly logger = new Logger(AttemptThrottleService.name);
  private nextPruneAt = 0;
  private readonly accountGate: AccountAttemptGate;

  constructor(
    private readonly counters: ThrottleCountersRepository,
    private readonly clock: Clock,
    @Inject(throttlingConfig.KEY) private readonly config: ThrottlingConfig,
  ) {
    this.accountGate = new AccountAttemptGate(config.loginFailuresPerAccount);
  }

  /**
   * One check of a secret of an account (a login's password, a current
   * password asked again, a second factor's code): counted as a failure against the
   * account and the client before it runs, and refused with 429 past either
   * limit. Counting first, in one atomic statement per counter, is what holds
   * the limit against guesses sent in parallel: a check made before the
   * counts went up would let every request in flight through. The count is
   * taken back when `check` resolves; kept when it rejects with a wrong
   * secret (WRONG_SECRET); taken back when it rejects with anything else,
   * which is no verdict (shed under load, the database down). Checks of one
   * account beyond the limit in flight wait their turn first
   * (AccountAttemptGate); `afterWaiting` runs when such a check's turn comes,
   * before it is counted, and may still refuse it.
   */
  async checkSecret<Result>(
    accountEmail: string,
    clientAddress: string,
    check: () => Promise<Result>,
    afterWaiting: () => void = () => {},
  ): Promise<Result> {
    const attempt = {
      account: counterKey('login-account', accountEmail),
      client: counterKey('login-client', throttlingClientKey(clientAddress)),
    };
    const waited = await this.accountGate.enter(attempt.account);
    try {
      if (waited) afterWaiting();
      await this.count(attempt);
      let result: Result;
      try {
        result = await check();
      } catch (error) {
        if (!(error instanceof DomainError && WRONG_SECRET.has(error.code))) await this.takeBack(attempt);
        throw error;
      }
      await this.succeeded(attempt);
      return result;
    } finally {
      this.accountGate.leave(attempt.account);
    }
  }

  /** One hit on both counters of the pair, in the window of failed logins; 429 past either limit. */
  private async count(attempt: SecretAttempt, purpose = 'login'): Promise<void> {
    const now = this.clock.now();
    this.pruneNowAndThen(now);
    const windowEndsAt = this.windowEnd(now, this.config.loginFailureWindowSeconds);
    const [accountHits, clientHits] = await Promise.all([
      this.counters.increment(attempt.account, now, windowEndsAt),
      this.counters.increment(attempt.client, now, windowEndsAt),
    ]);
    const over = [
      ...(accountHits > this.config.loginFailuresPerAccount ? [attempt.account] : []),
      ...(clientHits > this.config.loginFailuresPerClient ? [attempt.client] : []),
    ];
    if (over.length > 0) this.refuse(purpose, now, await this.counters.findOpen(over, now));
  }

  /** A success is no failure: it takes back the client's count and clears the account's. */
  private async succeeded(attempt: SecretAttempt): Promise<void> {
    await Promise.all([this.counters.delete(attempt.account), this.counters.decrement(attempt.client, this.clock.now())]);
  }

  /**
   * An attempt that ended before the secret was judged takes its counts
   * back. Best effort: it never hides the error that ended the attempt.
   */
  private async takeBack(attempt: SecretAttempt): Promise<void> {
    const now = this.clock.now();
    try {
      await Promise.all([this.counters.decrement(attempt.account, now), this.counters.decrement(attempt.client, now)]);
    } catch (error) {
      this.logger.warn({ event: 'throttle.refund_failed', error: (error as Error).message });
    }
  }

  /**
   * Counts a password-reset request, whether or not the address is an
   * account's, against the address and the client, on the limits and window
   * of failed logins; refuses it past either.
   */
  async countResetRequest(email: string, clientAddress: string): Promise<void> {
    const attempt = { account: counterKey('reset-account', email), client: counterKey('reset-client', throttlingClientKey(clientAddress)) };
    await this.count(attempt, 'password-reset');
  }

  /**
   * Counts a verification mail to the user at `address` (the registration's,
   * or a resend): 3 an hour per user and 3 an hour per address, so that
   * deleting and registering an address again mails it no more; 429 past
   * either. In the transaction that writes the link, so that a refused one
   * leaves no count.
   */
  async countVerificationMail(userId: number, address: string, transaction: Transaction): Promise<void> {
    await this.countEach(
      'verification-mail',
      [
        { key: counterKey('verification-mail', String(userId)), limit: VERIFICATION_MAILS_PER_USER, windowSeconds: HOUR_SECONDS },
        { key: counterKey('mail-to:verification', address), limit: MAILS_PER_ADDRESS_PER_HOUR, windowSeconds: HOUR_SECONDS },
      ],
      transaction,
    );
  }

  /** Counts a registration attempt against the client (REGISTRATIONS_PER_CLIENT a REGISTRATION_WINDOW); refuses past it. */
  async countRegistration(clientAddress: string): Promise<void> {
    await this.countEach('registration', [
      {
        key: counterKey('registration-client', throttlingClientKey(clientAddress)),
        limit: this.config.registrationsPerClient,
        windowSeconds: this.config.registrationWindowSeconds,
      },
    ]);
  }

  /**
   * Counts a request to change the user's email to `address`, free or taken
   * alike (so that the answers, 200 or 409, enumerate no more than that): 5 an
   * hour per user and 3 an hour per address; 429 past either.
   */
  async countEmailChange(userId: number, address: string): Promise<void> {
    await this.countEach('email-change', [
      { key: counterKey('email-change-user', String(userId)), limit: EMAIL_CHANGES_PER_USER_PER_HOUR, windowSeconds: HOUR_SECONDS },
      { key: counterKey('mail-to:email-change', address), limit: MAILS_PER_ADDRESS_PER_HOUR, windowSeconds: HOUR_SECONDS },
    ]);
  }

  /**
   * Whether a message of `kind` may still go to `address` this hour (3 may),
   * counting it when it may: for messages sent after the request has been
   * answered alike for every address (a reset link), or that accompany a
   * change that goes ahead anyway (a password change's notice).
   */
  async mayMail(kind: MailKind, address: string): Promise<boolean> {
    const now = this.clock.now();
    const hits = await this.counters.increment(counterKey(`mail-to:${kind}`, address), now, this.windowEnd(now, HOUR_SECONDS));
    if (hits <= MAILS_PER_ADDRESS_PER_HOUR) return true;
    this.logger.warn({ event: 'mail.budget_spent', kind });
    return false;
  }

  /**
   * Counts a passkey login's options (each stores a challenge for five
   * minutes) against the client, PASSKEY_CHALLENGES_PER_CLIENT a minute;
   * refuses past it.
   */
  async countPasskeyChallenge(clientAddress: string): Promise<void> {
    await this.countEach('passkey-challenge', [
      {
        key: counterKey('passkey-challenge-client', throttlingClientKey(clientAddress)),
        limit: this.config.passkeyChallengesPerClient,
        windowSeconds: MINUTE_SECONDS,
      },
    ]);
  }

  /** Counts the start of a sign-in through a provider against the client, PROVIDER_FLOWS_PER_CLIENT a minute; refuses past it. */
  async countProviderFlow(clientAddress: string): Promise<void> {
    await this.countEach('provider-flow', [
      {
        key: counterKey('provider-flow-client', throttlingClientKey(clientAddress)),
        limit: this.config.providerFlowsPerClient,
        windowSeconds: MINUTE_SECONDS,
      },
    ]);
  }

  /**
   * One hit on each counter, each in its own window (in the caller's
   * transaction, when one is given); 429 past any one's limit, with the
   * latest window's end as Retry-After.
   */
  private async countEach(
    purpose: string,
    counters: Array<{ key: Buffer; limit: number; windowSeconds: number }>,
    transaction?: Transaction,
  ): Promise<void> {
    const now = this.clock.now();
    this.pruneNowAndThen(now);
    const hits: number[] = [];
    // One after the other: the statements of one transaction share its connection.
    for (const { key, windowSeconds } of counters) {
      hits.push(await this.counters.increment(key, now, this.windowEnd(now, windowSeconds), transaction));
    }
    const over = counters.filter((counter, index) => hits[index] > counter.limit).map(({ key }) => key);
    if (over.length > 0) this.refuse(purpose, now, await this.counters.findOpen(over, now, transaction));
  }

  /**
   * Closed windows count nothing: they are deleted at most once a minute per
   * instance, off the request's path, in batches until none is left, so that
   * the table holds only the recent past. One batch a minute could not keep
   * up: 100,000 clients left 198,068 counters (`npm run bench:scale`), three
   * hours of batches; this way one pass cleared every closed one.
   */
  private pruneNowAndThen(now: Date): void {
    if (now.getTime() < this.nextPruneAt) return;
    this.nextPruneAt = now.getTime() + PRUNE_INTERVAL_MS;
    deleteInBatches(PRUNE_BATCH, (limit) => this.counters.deleteClosed(now, limit)).catch((error: Error) => {
      this.logger.warn({ event: 'throttle.prune_failed', error: error.message });
    });
  }

  private windowEnd(now: Date, seconds: number): Date {
    return new Date(now.getTime() + seconds * 1000);
  }

  private refuse(purpose: string, now: Date, counters: CounterState[]): never {
    const latestEnd = Math.max(now.getTime() + 1000, ...counters.map((counter) => counter.windowEndsAt.getTime()));
    const retryAfterSeconds = Math.ceil((latestEnd - now.getTime()) / 1000);
    this.logger.warn({ event: 'throttled', purpose, retryAfterSeconds });
    throw DomainError.retryLater('TOO_MANY_REQUESTS', retryAfterSeconds);
  }
}
