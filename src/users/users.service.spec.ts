import { PasswordHasher } from '../auth/passwords/password-hasher';
import { AccessTokenService } from '../auth/tokens/access-token.service';
import { DomainError } from '../common/errors/domain-error';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

describe('UsersService.updateProfile', () => {
  const session = { tokenId: 5, user: { id: 1, email: 'ada@example.com', createdAt: new Date() } };
  const user = { id: 1, email: 'ada@example.com', hashedPassword: '$2b$10$old', createdAt: new Date() } as User;

  const setup = (currentPasswordMatches = true) => {
    const repository = {
      findByIdWithHash: jest.fn().mockResolvedValue(user),
      findById: jest.fn().mockResolvedValue(user),
      updateCredentials: jest.fn().mockResolvedValue(undefined),
    };
    const hasher = { verify: jest.fn().mockResolvedValue(currentPasswordMatches), hash: jest.fn().mockResolvedValue('$2b$10$new') };
    const tokens = { revokeAllExcept: jest.fn().mockResolvedValue(2), forgetOwner: jest.fn() };
    const service = new UsersService(
      repository as unknown as UsersRepository,
      hasher as unknown as PasswordHasher,
      tokens as unknown as AccessTokenService,
    );
    return { service, repository, hasher, tokens };
  };

  it('hashes a new password, stores it, and revokes every other token of the user', async () => {
    const { service, repository, tokens } = setup();

    await service.updateProfile(session, { password: 'a new passphrase', currentPassword: 'old one' });

    expect(repository.updateCredentials).toHaveBeenCalledWith(1, { email: undefined, hashedPassword: '$2b$10$new' });
    expect(tokens.revokeAllExcept).toHaveBeenCalledWith(1, 5);
  });

  it('changes only the email, keeping the tokens and the hash, and drops cached copies of the old email', async () => {
    const { service, repository, hasher, tokens } = setup();

    await service.updateProfile(session, { email: 'new@example.com', currentPassword: 'old one' });

    expect(repository.updateCredentials).toHaveBeenCalledWith(1, { email: 'new@example.com', hashedPassword: undefined });
    expect(hasher.hash).not.toHaveBeenCalled();
    expect(tokens.revokeAllExcept).not.toHaveBeenCalled();
    expect(tokens.forgetOwner).toHaveBeenCalledWith(1);
  });

  it('refuses a wrong current password and changes nothing', async () => {
    const { service, repository, tokens } = setup(false);

    await expect(service.updateProfile(session, { email: 'x@example.com', currentPassword: 'wrong' })).rejects.toEqual(
      new DomainError('INVALID_CURRENT_PASSWORD'),
    );
    expect(repository.updateCredentials).not.toHaveBeenCalled();
    expect(tokens.revokeAllExcept).not.toHaveBeenCalled();
  });

  it('refuses a request that changes nothing, before any bcrypt work', async () => {
    const { service, hasher } = setup();

    await expect(service.updateProfile(session, { currentPassword: 'old one' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(hasher.verify).not.toHaveBeenCalled();
  });
});
