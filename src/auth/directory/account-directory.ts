import { Injectable } from '@nestjs/common';
import { normalizeEmail } from '../../common/validation/account-email.decorator';
import { UsersService } from '../../users/users.service';

/** An account as another module may see it: never a hash, a secret or a pending change. */
export interface DirectoryEntry {
  id: number;
  email: string;
}

/**
 * What a module needs to know of other accounts (sharing a project by
 * email, say): the active account at an address. Whether an address is
 * registered is the module's to keep to the people it answers: a route that
 * tells "no such user" to anyone lets them probe for accounts.
 */
@Injectable()
export class AccountDirectory {
  constructor(private readonly users: UsersService) {}

  /** The active account at this address (normalised as at registration), or null. */
  async findActiveByEmail(email: string): Promise<DirectoryEntry | null> {
    const normalised = normalizeEmail(email);
    if (typeof normalised !== 'string') return null;
    const user = await this.users.findByEmail(normalised);
    return user?.isActive ? { id: user.id, email: user.email } : null;
  }

  /** The active account of this id, or null. */
  async findActiveById(id: number): Promise<DirectoryEntry | null> {
    const user = await this.users.findById(id);
    return user?.isActive ? { id: user.id, email: user.email } : null;
  }
}
