import { Injectable } from '@nestjs/common';

/** The one time source for issuing and checking expiry; tests replace it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
