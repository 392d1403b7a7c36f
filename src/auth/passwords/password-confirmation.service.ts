import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { UsersService } from '../../users/users.service';
import { Clock } from '../../common/time/clock';
import type { AuthContext, AuthenticatedUser } from '../authenticated-user';
import { AttemptThrottleService } from '../throttling/attempt-throttle.service';
import { PasswordHasher } from './password-hasher';

/**
 * The one way to check the password a signed-in user types again (to change
 * the account, to delete it, to manage its second factor): a check of a
 * secret like a login, on the login counters and limits of that account and
 * that client, so that a stolen token buys no faster guessing. A wrong
 * password answers 403 INVALID_CURRENT_PASSWORD and is logged as
 * `password.check_failed`; past the limits, 429 with Retry-After.
 */
/** How old a sign-in may be and still stand for the person's presence, where a password could be asked instead. */
export const RECENT_SIGN_IN_SECONDS = 600;

@Injectable()
export class PasswordConfirmationService {
  private readonly logger = new Logger(PasswordConfirmationService.name);

  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: AttemptThrottleService,
    private readonly clock: Clock,
  ) {}

  /**
   * The person at the keyboard, proven by the password typed again or, when
   * none is given, by a sign-in of this session less than 10 minutes old:
   * 403 REAUTHENTICATION_REQUIRED otherwise (a personal token is no sign-in).
   */
  async confirmPresence<Result = void>(
    session: AuthContext,
    password: string | undefined,
    clientAddress: string,
    andThen: () => Promise<Result> = () => Promise.resolve(undefined as Result),
  ): Promise<Result> {
    if (password !== undefined) return this.confirm(session.user, password, clientAddress, andThen);
    const signedInAt = session.signedInAt?.getTime();
    if (signedInAt === undefined || this.clock.now().getTime() - signedInAt >= RECENT_SIGN_IN_SECONDS * 1000) {
      throw new DomainError('REAUTHENTICATION_REQUIRED');
    }
    return andThen();
  }

  /**
   * `andThen` runs after the right password, inside the same check: a second
   * secret asked with the password (an MFA code) is counted with it, once, and
   * only both right clear the account's count. Its result is returned.
   */
  async confirm<Result = void>(
    user: AuthenticatedUser,
    password: string,
    clientAddress: string,
    andThen: () => Promise<Result> = () => Promise.resolve(undefined as Result),
  ): Promise<Result> {
    this.hasher.assertCapacity(clientAddress);
    return this.throttle.checkSecret(
      user.email,
      clientAddress,
      async () => {
        const stored = await this.users.findByIdWithHash(user.id);
        if (!(await this.hasher.verify(password, stored?.hashedPassword ?? null, clientAddress))) {
          this.logger.log({ event: 'password.check_failed', userId: user.id });
          throw new DomainError('INVALID_CURRENT_PASSWORD');
        }
        return andThen();
      },
      () => this.hasher.assertCapacity(clientAddress),
    );
  }
}
