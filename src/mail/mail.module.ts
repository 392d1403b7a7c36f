import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailTransport } from './mail-transport';
import { Outbox } from './outbox';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxRepository } from './outbox.repository';
import { OutboxSender } from './outbox.sender';
import { SentMailPruningStep } from './sent-mail.pruning-step';

/** Mail through a durable outbox: features enqueue in their transactions, every instance sends in the background. */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxMessage])],
  providers: [OutboxRepository, Outbox, MailTransport, OutboxSender, SentMailPruningStep],
  exports: [Outbox],
})
export class MailModule {}
