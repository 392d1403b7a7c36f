import { mock } from 'jest-mock-extended';
import { defaultSettings } from '../../../test/support/default-settings';
import { FakeClock } from '../../../test/support/fake-clock';
import { Transaction, UnitOfWork } from '../../database/unit-of-work';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import type { AuthContext } from '../authenticated-user';
import { AccessTokensRepository } from './access-tokens.repository';
import { PersonalTokensService } from './personal-tokens.service';

describe('PersonalTokensService.create, checked again under the lock on the user', () => {
  const session: AuthContext = {
    tokenId: 4,
    tokenKind: 'session',
    scopes: ['account', 'admin'],
    issuedAt: new Date('2026-01-01T00:00:00Z'),
    signedInAt: new Date('2026-01-01T00:00:00Z'),
    expiresAt: new Date('2026-01-02T00:00:00Z'),
    user: {
      id: 1,
      email: 'ada@example.com',
      role: 'admin',
      emailVerifiedAt: null,
      pendingEmail: null,
      mfaEnabledAt: null,
      createdAt: new Date(),
    },
  };
  const setup = (stored: Partial<User>, sessionStillStored = true) => {
    const repository = mock<AccessTokensRepository>();
    repository.existsInTransaction.mockResolvedValue(sessionStillStored);
    repository.countLivePersonal.mockResolvedValue(0);
    repository.insertInTransaction.mockResolvedValue(9);
    const users = mock<UsersService>();
    users.lockById.mockResolvedValue(Object.assign(new User(), { id: 1, role: 'admin', isActive: true, ...stored }));
    const unitOfWork = mock<UnitOfWork>();
    unitOfWork.run.mockImplementation((work) => work(mock<Transaction>()));
    return { service: new PersonalTokensService(repository, users, unitOfWork, new FakeClock(), defaultSettings.auth), repository };
  };
  const request = { name: 'ops', scopes: ['admin'], expiresInDays: 30 };

  it('makes the token while the caller is still what its session says', async () => {
    const { service, repository } = setup({});
    await expect(service.create(session, request)).resolves.toMatchObject({ id: 9, scopes: ['admin'] });
    expect(repository.insertInTransaction).toHaveBeenCalled();
  });

  it.each([
    ['demoted meanwhile', { role: 'user' as const }, true, 'INVALID_SCOPE', 400],
    ['deactivated meanwhile', { isActive: false }, true, 'INVALID_TOKEN', 401],
    ['whose session ended meanwhile (a password change)', {}, false, 'INVALID_TOKEN', 401],
  ])('refuses a caller %s, and makes nothing', async (_case, stored, sessionStillStored, code, status) => {
    const { service, repository } = setup(stored, sessionStillStored);
    await expect(service.create(session, request)).rejects.toBeDomainError(code as 'INVALID_SCOPE', status);
    expect(repository.insertInTransaction).not.toHaveBeenCalled();
  });
});
