import { mock } from 'jest-mock-extended';
import { defaultSettings } from '../../../test/support/default-settings';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { AttemptThrottle } from './attempt-throttle.service';
import { ThrottleCountersRepository } from './throttle-counters.repository';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('AttemptThrottle.beginLogin', () => {
  const setup = () => {
    const counters = mock<ThrottleCountersRepository>();
    counters.increment.mockResolvedValue(1);
    counters.decrement.mockResolvedValue(undefined);
    counters.deleteClosed.mockResolvedValue(0);
    counters.findOpen.mockResolvedValue([]);
    const throttle = new AttemptThrottle(counters, new Clock(), { ...defaultSettings.throttling, loginFailuresPerAccount: 1 });
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
