import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailTransport } from './mail-transport';
import { Outbox } from './outbox';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxRepository } from './outbox.repository';
import { OutboxSender } from './outbox.sender';
import { SentMailPruner } from './sent-mail.pruner';

/** Mail through a durable outbox: features enqueue in their transactions, every instance sends in the background. */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxMessage])],
  providers: [OutboxRepository, Outbox, MailTransport, OutboxSender, SentMailPruner],
  exports: [Outbox],
})
export class MailModule {}
