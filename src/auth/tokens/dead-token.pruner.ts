import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '../../common/time/clock';
import { authConfig, AuthConfig } from '../../config/app.config';
import { deleteInBatches } from '../../database/delete-in-batches';
import { idleCutoff, LAST_USE_RESOLUTION_MS } from './access-token.service';
import { LinkTokens } from '../links/link-tokens.service';
import { MfaChallengesRepository } from '../mfa/mfa-challenges.repository';
import { WebAuthnChallengesRepository } from '../passkeys/webauthn-challenges.repository';
import { SecurityEventsRepository } from '../security-events/security-events.repository';
import { AccessTokensRepository } from './access-tokens.repository';
import { TokenRevocationsRepository } from './token-revocations.repository';

export const PRUNE_JOB_NAME = 'prune-dead-access-tokens';
const DEFAULT_BATCH_SIZE = 1000;
/**
 * A line of the revocation log matters while a cache may hold an entry from
 * before it (TOKEN_CACHE_TTL_MS); the margin covers clocks of instances
 * that disagree.
 */
const REVOCATION_LOG_MARGIN_MS = 60_000;
/**
 * `last_used_at` lags the last use by up to LAST_USE_RESOLUTION_MS plus a
 * flush: a token is pruned for idleness only once that lag cannot be what
 * makes it look idle.
 */
const IDLE_MARGIN_MS = 2 * LAST_USE_RESOLUTION_MS;

export interface Pruned {
  accessTokens: number;
  linkTokens: number;
  mfaChallenges: number;
  webAuthnChallenges: number;
  revocations: number;
  securityEvents: number;
}

/**
 * Deletes dead tokens, which nothing accepts any more: access tokens expired
 * or idle, mailed links, MFA and passkey challenges expired (used ones are deleted when used),
 * lines of the revocation log no cache can need any more, and
 * security events past SECURITY_EVENT_RETENTION, so
 * that the tables hold only live ones. Runs every ten minutes on every
 * instance (the work is idempotent, so instances need no coordination) and
 * from `npm run tokens:prune`.
 */
@Injectable()
export class DeadTokenPruner {
  private readonly logger = new Logger(DeadTokenPruner.name);

  constructor(
    private readonly repository: AccessTokensRepository,
    private readonly links: LinkTokens,
    private readonly mfaChallenges: MfaChallengesRepository,
    private readonly webAuthnChallenges: WebAuthnChallengesRepository,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly revocations: TokenRevocationsRepository,
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  // A run that outlasts ten minutes (a backlog of millions of rows) is not joined by the next one.
  @Cron(CronExpression.EVERY_10_MINUTES, { name: PRUNE_JOB_NAME, waitForCompletion: true })
  async pruneOnSchedule(): Promise<void> {
    try {
      await this.prune();
    } catch (error) {
      this.logger.warn({ event: 'tokens.prune_failed', error: (error as Error).message });
    }
  }

  /** Deletes every token dead at this instant, one bounded batch at a time; returns how many of each kind. */
  async prune(batchSize = DEFAULT_BATCH_SIZE): Promise<Pruned> {
    const now = this.clock.now();
    const idleCutoffWithMargin = idleCutoff(new Date(now.getTime() - IDLE_MARGIN_MS), this.config.accessTokenIdleTtlSeconds);
    const accessTokens = await deleteInBatches(batchSize, (limit) => this.repository.deleteDead(now, idleCutoffWithMargin, limit));
    const linkTokens = await deleteInBatches(batchSize, (limit) => this.links.pruneExpired(limit));
    const mfaChallenges = await deleteInBatches(batchSize, (limit) => this.mfaChallenges.deleteExpired(now, limit));
    const webAuthnChallenges = await deleteInBatches(batchSize, (limit) => this.webAuthnChallenges.deleteExpired(now, limit));
    const revocationCutoff = new Date(now.getTime() - this.config.tokenCacheTtlMs - REVOCATION_LOG_MARGIN_MS);
    const revocations = await deleteInBatches(batchSize, (limit) => this.revocations.deleteOlderThan(revocationCutoff, limit));
    const eventCutoff = new Date(now.getTime() - this.config.securityEventRetentionSeconds * 1000);
    const securityEvents = await deleteInBatches(batchSize, (limit) => this.securityEvents.deleteOlderThan(eventCutoff, limit));
    this.logger.log({
      event: 'tokens.pruned',
      deleted: accessTokens,
      linksDeleted: linkTokens,
      mfaChallengesDeleted: mfaChallenges,
      webAuthnChallengesDeleted: webAuthnChallenges,
      revocationsDeleted: revocations,
      securityEventsDeleted: securityEvents,
    });
    return { accessTokens, linkTokens, mfaChallenges, webAuthnChallenges, revocations, securityEvents };
  }
}
