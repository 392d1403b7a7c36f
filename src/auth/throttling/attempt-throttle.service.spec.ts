import { mock } from 'jest-mock-extended';
import { defaultSettings } from '../../../test/support/default-settings';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { AttemptThrottleService } from './attempt-throttle.service';
import { ThrottleCountersRepository } from './throttle-counters.repository';

const settle = () => new Promise((resolve) => setImmediate(resolve));
const EMAIL = 'ada@example.com';
const CLIENT = '203.0.113.7';

/** A check that runs only when the test lets it finish. */
function heldCheck<T>(outcome: () => Promise<T>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const check = jest.fn(async () => {
    await released;
    return outcome();
  });
  return { check, release };
}

describe('AttemptThrottleService.checkSecret', () => {
  const setup = (hits = 1) => {
    const counters = mock<ThrottleCountersRepository>();
    counters.increment.mockResolvedValue(hits);
    counters.decrement.mockResolvedValue(undefined);
    counters.delete.mockResolvedValue(undefined);
    counters.deleteClosed.mockResolvedValue(0);
    counters.findOpen.mockResolvedValue([]);
    const throttle = new AttemptThrottleService(counters, new Clock(), { ...defaultSettings.throttling, loginFailuresPerAccount: 1 });
    return { throttle, counters };
  };

  it('counts the attempt against the account and the client before the check runs', async () => {
    const { throttle, counters } = setup();
    const check = jest.fn(() => {
      expect(counters.increment).toHaveBeenCalledTimes(2);
      return Promise.resolve('ok');
    });

    await expect(throttle.checkSecret(EMAIL, CLIENT, check)).resolves.toBe('ok');
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('refuses past a limit with 429 and Retry-After, without running the check', async () => {
    const { throttle } = setup(2);
    const check = jest.fn(() => Promise.resolve('ok'));

    await expect(throttle.checkSecret(EMAIL, CLIENT, check)).rejects.toEqual(
      expect.objectContaining({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: expect.any(Number) }),
    );
    expect(check).not.toHaveBeenCalled();
  });

  it("takes the count back on success: clears the account's, takes one off the client's", async () => {
    const { throttle, counters } = setup();

    await throttle.checkSecret(EMAIL, CLIENT, () => Promise.resolve(true));

    expect(counters.delete).toHaveBeenCalledTimes(1);
    expect(counters.decrement).toHaveBeenCalledTimes(1);
  });

  it.each(['INVALID_CREDENTIALS', 'INVALID_CURRENT_PASSWORD'] as const)('keeps the count when the secret was wrong (%s)', async (code) => {
    const { throttle, counters } = setup();

    await expect(throttle.checkSecret(EMAIL, CLIENT, () => Promise.reject(new DomainError(code)))).rejects.toBeDomainError(
      code,
      new DomainError(code).status,
    );
    expect(counters.delete).not.toHaveBeenCalled();
    expect(counters.decrement).not.toHaveBeenCalled();
  });

  it('takes both counts back when the check ended with no verdict (shed, database down)', async () => {
    const { throttle, counters } = setup();

    await expect(throttle.checkSecret(EMAIL, CLIENT, () => Promise.reject(new DomainError('SERVICE_UNAVAILABLE')))).rejects.toBeDomainError(
      'SERVICE_UNAVAILABLE',
      503,
    );
    expect(counters.decrement).toHaveBeenCalledTimes(2);
    expect(counters.delete).not.toHaveBeenCalled();
  });

  it('runs afterWaiting only for a check that waited for its account’s turn', async () => {
    const { throttle } = setup();
    const afterWaiting = jest.fn();
    const first = heldCheck(() => Promise.resolve(1));

    const running = throttle.checkSecret(EMAIL, CLIENT, first.check, afterWaiting);
    await settle();
    const waiting = throttle.checkSecret(EMAIL, CLIENT, () => Promise.resolve(2), afterWaiting);
    await settle();
    expect(afterWaiting).not.toHaveBeenCalled();

    first.release();
    await expect(running).resolves.toBe(1);
    await expect(waiting).resolves.toBe(2);
    expect(afterWaiting).toHaveBeenCalledTimes(1);
  });

  it('a check refused by afterWaiting is never counted, and gives its turn back', async () => {
    const { throttle, counters } = setup();
    const first = heldCheck(() => Promise.resolve(1));
    const running = throttle.checkSecret(EMAIL, CLIENT, first.check);
    await settle();
    expect(counters.increment).toHaveBeenCalledTimes(2);

    const shed = new DomainError('SERVICE_UNAVAILABLE');
    const check = jest.fn(() => Promise.resolve(2));
    const refused = throttle.checkSecret(EMAIL, CLIENT, check, () => {
      throw shed;
    });
    await settle();
    first.release();
    await running;
    await expect(refused).rejects.toBe(shed);
    expect(counters.increment).toHaveBeenCalledTimes(2);
    expect(check).not.toHaveBeenCalled();

    const afterWaiting = jest.fn();
    await throttle.checkSecret(EMAIL, CLIENT, () => Promise.resolve(3), afterWaiting);
    expect(afterWaiting).not.toHaveBeenCalled();
  });
});
