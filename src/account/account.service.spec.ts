import { mock } from 'jest-mock-extended';
import { PasswordHasher } from '../auth/passwords/password-hasher';
import { AccessTokenService } from '../auth/tokens/access-token.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AccountService } from './account.service';

describe('AccountService.updateProfile', () => {
  const session = { tokenId: 5, user: { id: 1, email: 'ada@example.com', createdAt: new Date() } };
  const user = Object.assign(new User(), { id: 1, email: 'ada@example.com', hashedPassword: '$2b$10$old', createdAt: new Date() });

  const setup = (currentPasswordMatches = true) => {
    const users = mock<UsersService>();
    users.findByIdWithHash.mockResolvedValue(user);
    users.getById.mockResolvedValue(user);
    users.updateCredentials.mockResolvedValue(undefined);
    const hasher = mock<PasswordHasher>();
    hasher.verify.mockResolvedValue(currentPasswordMatches);
    hasher.hash.mockResolvedValue('$2b$10$new');
    const tokens = mock<AccessTokenService>();
    tokens.revokeAllExcept.mockResolvedValue(2);
    const service = new AccountService(users, hasher, tokens);
    return { service, users, hasher, tokens };
  };

  it('hashes a new password, stores it, and revokes every other token of the user', async () => {
    const { service, users, tokens } = setup();

    await service.updateProfile(session, { password: 'a new passphrase', currentPassword: 'old one' });

    expect(users.updateCredentials).toHaveBeenCalledWith(1, { email: undefined, hashedPassword: '$2b$10$new' });
    expect(tokens.revokeAllExcept).toHaveBeenCalledWith(1, 5);
  });

  it('changes only the email, keeping the tokens and the hash, and drops cached copies of the old email', async () => {
    const { service, users, hasher, tokens } = setup();

    await service.updateProfile(session, { email: 'new@example.com', currentPassword: 'old one' });

    expect(users.updateCredentials).toHaveBeenCalledWith(1, { email: 'new@example.com', hashedPassword: undefined });
    expect(hasher.hash).not.toHaveBeenCalled();
    expect(tokens.revokeAllExcept).not.toHaveBeenCalled();
    expect(tokens.forgetOwner).toHaveBeenCalledWith(1);
  });

  it('refuses a wrong current password and changes nothing', async () => {
    const { service, users, tokens } = setup(false);

    await expect(service.updateProfile(session, { email: 'x@example.com', currentPassword: 'wrong' })).rejects.toBeDomainError(
      'INVALID_CURRENT_PASSWORD',
      403,
    );
    expect(users.updateCredentials).not.toHaveBeenCalled();
    expect(tokens.revokeAllExcept).not.toHaveBeenCalled();
  });

  it('refuses a request that changes nothing, before any bcrypt work', async () => {
    const { service, hasher } = setup();

    await expect(service.updateProfile(session, { currentPassword: 'old one' })).rejects.toBeDomainError('VALIDATION_FAILED', 400);
    expect(hasher.verify).not.toHaveBeenCalled();
  });
});
