import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_SIZE } from '../../common/pagination/page.query';
import { SignedCursors } from '../../common/pagination/signed-cursors';
import { SecurityEvent, SecurityEventType } from './security-event.entity';
import { SecurityEventsRepository } from './security-events.repository';

export interface SecurityEventFilter {
  userId?: number;
  type?: SecurityEventType;
}

export interface SecurityEventPage {
  items: SecurityEvent[];
  nextCursor: string | null;
}

/** Security events newest first, a page at a time, behind signed cursors bound to their filter. */
@Injectable()
export class SecurityEventPages {
  constructor(
    private readonly events: SecurityEventsRepository,
    private readonly cursors: SignedCursors,
  ) {}

  /** `list` names the route: a cursor of a user's own list is no cursor of the admins' one. */
  async page(
    list: 'own' | 'admin',
    filter: SecurityEventFilter,
    cursor: string | undefined,
    limit = DEFAULT_PAGE_SIZE,
  ): Promise<SecurityEventPage> {
    const listName = `security-events:${list}`;
    const filterKey = `${filter.userId ?? ''}|${filter.type ?? ''}`;
    const beforeId = this.cursors.afterIdOf(cursor, listName, filterKey);
    const rows = await this.events.findPageOnReplica({ ...filter, beforeId, limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const nextCursor =
      rows.length > limit && last ? this.cursors.encode({ list: listName, afterId: Number(last.id), filter: filterKey }) : null;
    return { items, nextCursor };
  }
}
