import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { authConfig, AuthConfig } from '../../config/app.config';
import { UnitOfWork } from '../../database/unit-of-work';
import { UsersService } from '../../users/users.service';
import type { AuthContext } from '../authenticated-user';
import { joinScopes, mayHold, splitScopes } from '../scopes/scopes';
import { digestAccessToken, generateAccessToken } from './access-token.codec';
import { AccessTokensRepository } from './access-tokens.repository';

export interface NewPersonalToken {
  name: string;
  scopes: string[];
  expiresInDays: number;
}

export interface IssuedPersonalToken {
  id: number;
  name: string;
  token: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date;
}

const DAY_MS = 86_400_000;

/**
 * Personal access tokens: long-lived, named tokens a user makes for scripts
 * and CI (GitHub's, Sanctum's). Never evicted by the sessions' cap, never
 * idle-timed; they die at their expiry, on revocation, with a password
 * change or reset, and with their user. Their scopes are within those of the
 * session that makes them, and a personal token makes none.
 */
@Injectable()
export class PersonalTokensService {
  constructor(
    private readonly repository: AccessTokensRepository,
    private readonly users: UsersService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  async create(session: AuthContext, request: NewPersonalToken): Promise<IssuedPersonalToken> {
    if (session.tokenKind === 'personal') throw new DomainError('FORBIDDEN', 'A personal access token cannot make another');
    if (request.scopes.some((scope) => !session.scopes.includes(scope)) || new Set(request.scopes).size !== request.scopes.length) {
      throw new DomainError('INVALID_SCOPE', 'A personal token’s scopes are within those of the token that makes it, each once');
    }
    const userId = session.user.id;
    const token = generateAccessToken();
    const createdAt = this.clock.now();
    const expiresAt = new Date(createdAt.getTime() + request.expiresInDays * DAY_MS);
    const scopes = joinScopes(request.scopes);
    // The user's row is locked while the live ones are counted: parallel requests cannot all pass the cap. Under
    // that lock the caller is checked again: a demotion, deactivation or password change that committed while
    // this request waited has ended its session, and no token may outlive it.
    const id = await this.unitOfWork.run(async (transaction) => {
      const user = await this.users.lockById(userId, transaction);
      if (!user.isActive || !(await this.repository.existsInTransaction(session.tokenId, transaction))) {
        throw new DomainError('INVALID_TOKEN');
      }
      if (request.scopes.some((scope) => !mayHold(user.role, scope))) throw new DomainError('INVALID_SCOPE');
      if ((await this.repository.countLivePersonal(userId, createdAt, transaction)) >= this.config.maxPersonalTokensPerUser) {
        throw new DomainError('TOKEN_LIMIT_REACHED');
      }
      return this.repository.insertInTransaction(
        { userId, tokenHash: digestAccessToken(token), scopes, kind: 'personal', name: request.name, createdAt, expiresAt },
        transaction,
      );
    });
    return { id, name: request.name, token, scopes: splitScopes(scopes), createdAt, expiresAt };
  }
}
