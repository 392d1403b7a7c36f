import { Logger } from '@nestjs/common';
import { mock } from 'jest-mock-extended';
import { defaultSettings } from '../../test/support/default-settings';
import { Clock } from '../common/time/clock';
import { MailTransport } from './mail-transport';
import { ClaimedMessage, OutboxRepository } from './outbox.repository';
import { OutboxSender, retryDelayMs } from './outbox.sender';

const HOUR_MS = 60 * 60_000;

describe('retryDelayMs', () => {
  it('doubles from the base at each attempt, between half and all of it', () => {
    const schedule = [1, 2, 3, 4, 5].map((attempts) => [retryDelayMs(attempts, 5000, 0), retryDelayMs(attempts, 5000, 1)]);
    expect(schedule).toEqual([
      [2500, 5000],
      [5000, 10_000],
      [10_000, 20_000],
      [20_000, 40_000],
      [40_000, 80_000],
    ]);
  });

  it('waits an hour at most, however many attempts failed', () => {
    expect(retryDelayMs(11, 5000, 1)).toBe(HOUR_MS);
    expect(retryDelayMs(100, 5000, 0)).toBe(HOUR_MS / 2);
  });
});

describe('OutboxSender.sendDue', () => {
  const now = new Date('2026-11-30T10:00:00Z');
  const message = (attempts: number): ClaimedMessage => ({ id: '7', attempts, to: 'ada@example.com', subject: 'S', text: 't', html: 'h' });
  const setup = (claimed: ClaimedMessage[], send: () => Promise<void>) => {
    const outbox = mock<OutboxRepository>();
    outbox.claimDue.mockResolvedValue(claimed);
    const transport = mock<MailTransport>();
    transport.send.mockImplementation(send);
    const clock = mock<Clock>();
    clock.now.mockReturnValue(now);
    const sender = new OutboxSender(outbox, transport, clock, { ...defaultSettings.mail, retryBaseMs: 5000, maxAttempts: 15 });
    return { sender, outbox };
  };

  it('marks a message sent once the transport took it', async () => {
    const { sender, outbox } = setup([message(0)], () => Promise.resolve());

    await sender.sendDue();

    expect(outbox.markSent).toHaveBeenCalledWith('7', now);
    expect(outbox.markAttemptFailed).not.toHaveBeenCalled();
  });

  it('schedules a failed send again on the backoff schedule', async () => {
    const { sender, outbox } = setup([message(3)], () => Promise.reject(new Error('451 try later')));

    await sender.sendDue();

    const [id, attempts, nextAttemptAt, reason] = outbox.markAttemptFailed.mock.calls[0];
    expect({ id, attempts, reason }).toEqual({ id: '7', attempts: 4, reason: '451 try later' });
    const delay = nextAttemptAt!.getTime() - now.getTime();
    expect(delay).toBeGreaterThanOrEqual(20_000);
    expect(delay).toBeLessThanOrEqual(40_000);
    expect(outbox.markSent).not.toHaveBeenCalled();
  });

  it('gives a message up at MAIL_MAX_ATTEMPTS, and logs it as an error', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { sender, outbox } = setup([message(14)], () => Promise.reject(new Error('550 no such user')));

    await sender.sendDue();

    expect(outbox.markAttemptFailed).toHaveBeenCalledWith('7', 15, null, '550 no such user');
    expect(errors).toHaveBeenCalledWith({ event: 'mail.failed', messageId: '7', attempts: 15, error: '550 no such user' });
    errors.mockRestore();
  });
});
