import { DomainError } from '../../src/common/errors/domain-error';
import type { ErrorCode } from '../../src/common/errors/error-codes';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /**
       * A DomainError with this code, answered with this status. Jest compares
       * errors by message alone, so `toEqual(new DomainError(...))` cannot tell
       * VALIDATION_FAILED from BAD_REQUEST (one message, two codes).
       */
      toBeDomainError(code: ErrorCode, status: number): R;
    }
  }
}

expect.extend({
  toBeDomainError(received: unknown, code: ErrorCode, status: number) {
    const isDomainError = received instanceof DomainError;
    const pass = isDomainError && received.code === code && received.status === status;
    const seen = isDomainError
      ? `DomainError ${received.code} (${received.status}): ${received.message}`
      : this.utils.printReceived(received);
    return {
      pass,
      message: () => `expected ${this.isNot ? 'no ' : ''}DomainError ${code} (${status}), received ${seen}`,
    };
  },
});
