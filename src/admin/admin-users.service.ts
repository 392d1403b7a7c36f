import { Injectable } from '@nestjs/common';
import { AccountStandingService, StandingChanges } from '../auth/internal';
import type { RequestClient } from '../common/http/request-client.decorator';
import { DEFAULT_PAGE_SIZE } from '../common/pagination/page.query';
import { SignedCursors } from '../common/pagination/signed-cursors';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AdminUsersQuery } from './dto/admin-users.query';

const LIST = 'admin-users';

export interface UserPage {
  items: User[];
  nextCursor: string | null;
}

/** The accounts as an admin manages them. */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly users: UsersService,
    private readonly standing: AccountStandingService,
    private readonly cursors: SignedCursors,
  ) {}

  /** By id, `limit` at a time (one more is read to know whether a next page exists). */
  async list(query: AdminUsersQuery): Promise<UserPage> {
    const filter = query.search ?? '';
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const afterId = this.cursors.afterIdOf(query.cursor, LIST, filter);
    const rows = await this.users.findPageOnReplica({ search: filter, afterId, limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const nextCursor = rows.length > limit && last ? this.cursors.encode({ list: LIST, afterId: last.id, filter }) : null;
    return { items, nextCursor };
  }

  get(id: number): Promise<User> {
    return this.users.getById(id);
  }

  change(id: number, changes: StandingChanges, actorId: number, client: RequestClient): Promise<User> {
    return this.standing.change(id, changes, actorId, client);
  }

  revokeTokens(id: number, actorId: number, client: RequestClient): Promise<void> {
    return this.standing.revokeTokens(id, actorId, client);
  }

  delete(id: number, actorId: number): Promise<void> {
    return this.standing.delete(id, actorId);
  }
}
