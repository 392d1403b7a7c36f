import { Clock } from '../../src/common/time/clock';

/** A clock that moves only when told to. */
export class FakeClock extends Clock {
  private current: number;

  constructor(start = new Date('2026-01-01T00:00:00.000Z')) {
    super();
    this.current = start.getTime();
  }

  override now(): Date {
    return new Date(this.current);
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}
