import { Logger } from '@nestjs/common';
import { mock } from 'jest-mock-extended';
import { FakeClock } from '../../../test/support/fake-clock';
import { SecurityEventLog } from './security-event-log';
import { SecurityEventsRepository } from './security-events.repository';

describe('SecurityEventLog', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes what one turn recorded in one INSERT, off the caller’s path', async () => {
    const repository = mock<SecurityEventsRepository>();
    repository.insertMany.mockResolvedValue(undefined);
    const log = new SecurityEventLog(repository, new FakeClock());

    log.record('login.succeeded', 1, { client: { ip: '203.0.113.7', userAgent: 'agent' } });
    log.record('logout', 1, { actorId: 2 });
    expect(repository.insertMany).not.toHaveBeenCalled();
    await log.flush();

    expect(repository.insertMany).toHaveBeenCalledTimes(1);
    expect(repository.insertMany.mock.calls[0][0]).toEqual([
      expect.objectContaining({ type: 'login.succeeded', userId: 1, ip: '203.0.113.7', userAgent: 'agent', actorId: null }),
      expect.objectContaining({ type: 'logout', userId: 1, ip: null, userAgent: null, actorId: 2 }),
    ]);
  });

  it('never fails the request when the write fails: the batch is dropped and the failure logged', async () => {
    const repository = mock<SecurityEventsRepository>();
    repository.insertMany.mockRejectedValueOnce(new Error('database down')).mockResolvedValue(undefined);
    const log = new SecurityEventLog(repository, new FakeClock());
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation();

    expect(() => log.record('login.failed', 3)).not.toThrow();
    await expect(log.flush()).resolves.toBeUndefined();
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ event: 'security_event.write_failed', events: 1 }));

    log.record('logout', 3);
    await log.flush();
    expect(repository.insertMany).toHaveBeenCalledTimes(2);
  });

  it('logs each event as it records it, with what the line says beyond the row; a sign of a cloned passkey as a warning', () => {
    const log = new SecurityEventLog(mock<SecurityEventsRepository>(), new FakeClock());
    const info = jest.spyOn(Logger.prototype, 'log').mockImplementation();
    const warning = jest.spyOn(Logger.prototype, 'warn').mockImplementation();

    log.record('user.role_changed', 4, { actorId: 1 }, { role: 'admin' });
    log.record('login.succeeded', 5, {}, { tokenId: 9 });
    log.record('passkey.counter_mismatch', 6, {}, { passkeyId: 2 });

    expect(info.mock.calls.map(([line]) => line as unknown)).toEqual([
      { event: 'user.role_changed', userId: 4, actorId: 1, role: 'admin' },
      { event: 'login.succeeded', userId: 5, tokenId: 9 },
    ]);
    expect(warning).toHaveBeenCalledWith({ event: 'passkey.counter_mismatch', userId: 6, passkeyId: 2 });
  });
});
