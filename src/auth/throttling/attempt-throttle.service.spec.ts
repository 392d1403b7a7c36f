import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { ThrottlingConfig } from '../../config/app.config';
import { AttemptThrottle } from './attempt-throttle.service';
import { ThrottleCountersRepository } from './throttle-counters.repository';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('AttemptThrottle.beginLogin', () => {
  const setup = () => {
    const counters = {
      increment: jest.fn().mockResolvedValue(1),
      decrement: jest.fn().mockResolvedValue(undefined),
      deleteClosed: jest.fn().mockResolvedValue(0),
      findOpen: jest.fn().mockResolvedValue([]),
    };
    const config: ThrottlingConfig = {
      loginFailuresPerAccount: 1,
      loginFailuresPerClient: 100,
      loginFailureWindowSeconds: 900,
      registrationsPerClient: 100,
      registrationWindowSeconds: 3600,
    };
    const throttle = new AttemptThrottle(counters as unknown as ThrottleCountersRepository, new Clock(), config);
    return { throttle, counters };
  };

  it('runs afterWaiting only for a login that waited for its account’s turn', async () => {
    const { throttle } = setup();
    const afterWaiting = jest.fn();

    const first = await throttle.beginLogin('ada@example.com', '203.0.113.7', afterWaiting);
    expect(afterWaiting).not.toHaveBeenCalled();

    const second = throttle.beginLogin('ada@example.com', '203.0.113.7', afterWaiting);
    await settle();
    expect(afterWaiting).not.toHaveBeenCalled();
    throttle.endLogin(first);
    await second;
    expect(afterWaiting).toHaveBeenCalledTimes(1);
  });

  it('a login refused by afterWaiting is never counted and gives its turn back', async () => {
    const { throttle, counters } = setup();
    const first = await throttle.beginLogin('ada@example.com', '203.0.113.7');
    expect(counters.increment).toHaveBeenCalledTimes(2);

    const shed = new DomainError('SERVICE_UNAVAILABLE');
    const refused = throttle.beginLogin('ada@example.com', '203.0.113.7', () => {
      throw shed;
    });
    await settle();
    throttle.endLogin(first);
    await expect(refused).rejects.toBe(shed);
    expect(counters.increment).toHaveBeenCalledTimes(2);

    const afterWaiting = jest.fn();
    await throttle.beginLogin('ada@example.com', '203.0.113.7', afterWaiting);
    expect(afterWaiting).not.toHaveBeenCalled();
  });
});
