import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { authConfig, AuthConfig } from '../../config/app.config';
import { PasswordWorkLimiter } from './password-work-limiter';

const BCRYPT_HASH = /^\$2([aby])\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/**
 * bcrypt with the configured cost. Passwords are NFKC-normalised here, the one
 * place both hashing and verifying go through, so a password typed with a
 * ligature or in fullwidth form matches its plain spelling.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private readonly cost: number;
  private dummyHash = '';

  constructor(
    @Inject(authConfig.KEY) config: AuthConfig,
    private readonly limiter: PasswordWorkLimiter,
  ) {
    this.cost = config.bcryptCost;
  }

  async onModuleInit(): Promise<void> {
    this.dummyHash = await bcrypt.hash(randomBytes(32).toString('base64'), this.cost);
  }

  /** 503 at once when the bcrypt queue has no place for this client, before the caller spends anything else on the request. */
  assertCapacity(clientAddress: string): void {
    this.limiter.assertCapacity(clientAddress);
  }

  /** Hashes a password for the client at `clientAddress`, whose place in the bcrypt queue it takes. */
  hash(password: string, clientAddress: string): Promise<string> {
    return this.limiter.run(() => bcrypt.hash(this.normalise(password), this.cost), clientAddress);
  }

  /**
   * Exactly one bcrypt comparison whatever the input. With no stored hash (an
   * unknown email) it compares against a dummy hash of the same cost, so the
   * answer takes as long as for a known email with a wrong password.
   */
  verify(password: string, hashedPassword: string | null, clientAddress: string): Promise<boolean> {
    const stored = hashedPassword !== null && BCRYPT_HASH.test(hashedPassword) ? hashedPassword : null;
    return this.limiter
      .run(() => bcrypt.compare(this.normalise(password), stored ?? this.dummyHash), clientAddress)
      .then((matches) => matches && stored !== null);
  }

  /** True when the hash was made under another policy: it is replaced at the next successful login. */
  needsRehash(hashedPassword: string): boolean {
    const match = BCRYPT_HASH.exec(hashedPassword);
    return !match || match[1] !== 'b' || Number(match[2]) !== this.cost;
  }

  private normalise(password: string): string {
    return password.normalize('NFKC');
  }
}
