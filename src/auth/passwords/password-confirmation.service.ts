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
   * `andThen` runs after the right password, inside the same check: a second
   * secret asked with the password (an MFA code) is counted with it, once, and
   * only both right clear the account's count. Its result is returned.
   *
   * An account without a password (made by an identity provider) leaves it
   * out, and its session stands for it while its sign-in is less than 10
   * minutes old (403 REAUTHENTICATION_REQUIRED after); an account with one
   * must give it (400 VALIDATION_FAILED without).
   */
  async confirm<Result = void>(
    session: AuthContext,
    password: string | undefined,
    clientAddress: string,
    andThen: () => Promise<Result> = () => Promise.resolve(undefined as Result),
  ): Promise<Result> {
    const user = session.user;
    if (password === undefined) {
      if (await this.users.hasPassword(user.id)) {
        throw DomainError.invalidFields([
          { field: 'currentPassword', message: 'currentPassword is required: this account has a password' },
        ]);
      }
      this.assertRecentSignIn(session);
    } else {
      this.hasher.assertCapacity(clientAddress);
    }
    return this.throttle.checkSecret(
      user.email,
      clientAddress,
      async () => {
        if (password !== undefined) await this.verify(user, password, clientAddress);
        return andThen();
      },
      () => (password === undefined ? undefined : this.hasher.assertCapacity(clientAddress)),
    );
  }

  /**
   * The person at the keyboard for a route that adds a way into the account
   * (linking an identity): the password typed again, or, when none is given,
   * a sign-in of this session less than 10 minutes old (403
   * REAUTHENTICATION_REQUIRED otherwise; a personal token is no sign-in).
   */
  async confirmPresence(session: AuthContext, password: string | undefined, clientAddress: string): Promise<void> {
    if (password !== undefined) return this.confirm(session, password, clientAddress);
    this.assertRecentSignIn(session);
  }

  private assertRecentSignIn(session: AuthContext): void {
    const signedInAt = session.signedInAt?.getTime();
    if (signedInAt === undefined || this.clock.now().getTime() - signedInAt >= RECENT_SIGN_IN_SECONDS * 1000) {
      throw new DomainError('REAUTHENTICATION_REQUIRED');
    }
  }

  private async verify(user: AuthenticatedUser, password: string, clientAddress: string): Promise<void> {
    const stored = await this.users.findByIdWithHash(user.id);
    if (!(await this.hasher.verify(password, stored?.hashedPassword ?? null, clientAddress))) {
      this.logger.log({ event: 'password.check_failed', userId: user.id });
      throw new DomainError('INVALID_CURRENT_PASSWORD');
    }
  }
}
