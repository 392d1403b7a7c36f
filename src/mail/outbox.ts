import { Injectable } from '@nestjs/common';
import { Clock } from '../common/time/clock';
import type { Transaction } from '../database/unit-of-work';
import type { MailMessage } from './mail-message';
import { OutboxRepository } from './outbox.repository';

/** Where a feature puts the messages a change causes: in the change's own transaction, sent later by OutboxSender. */
@Injectable()
export class Outbox {
  constructor(
    private readonly repository: OutboxRepository,
    private readonly clock: Clock,
  ) {}

  enqueue(message: MailMessage, transaction: Transaction): Promise<void> {
    return this.repository.enqueue(message, this.clock.now(), transaction);
  }
}
