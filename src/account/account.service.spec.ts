import { mock } from 'jest-mock-extended';
import { PasswordConfirmation } from '../auth/passwords/password-confirmation.service';
import { PasswordHasher } from '../auth/passwords/password-hasher';
import { AccessTokenService } from '../auth/tokens/access-token.service';
import { DomainError } from '../common/errors/domain-error';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AccountService } from './account.service';

describe('AccountService.updateProfile', () => {
  const session = { tokenId: 5, user: { id: 1, email: 'ada@example.com', createdAt: new Date() } };
  const user = Object.assign(new User(), { id: 1, email: 'ada@example.com', hashedPassword: '$2b$10$old', createdAt: new Date() });
  const client = '203.0.113.7';

  const setup = (currentPasswordMatches = true) => {
    const users = mock<UsersService>();
    users.getById.mockResolvedValue(user);
    users.updateCredentials.mockResolvedValue(undefined);
    const hasher = mock<PasswordHasher>();
    hasher.hash.mockResolvedValue('$2b$10$new');
    const confirmation = mock<PasswordConfirmation>();
    if (currentPasswordMatches) confirmation.confirm.mockResolvedValue(undefined);
    else confirmation.confirm.mockRejectedValue(new DomainError('INVALID_CURRENT_PASSWORD'));
    const tokens = mock<AccessTokenService>();
    tokens.revokeAllExcept.mockResolvedValue(2);
    const service = new AccountService(users, hasher, confirmation, tokens);
    return { service, users, hasher, confirmation, tokens };
  };

  it('confirms the current password through the throttled check, for this user and client', async () => {
    const { service, confirmation } = setup();

    await service.updateProfile(session, { email: 'new@example.com', currentPassword: 'old one' }, client);

    expect(confirmation.confirm).toHaveBeenCalledWith(session.user, 'old one', client);
  });

  it('hashes a new password, stores it, and revokes every other token of the user', async () => {
    const { service, users, tokens } = setup();

    await service.updateProfile(session, { password: 'a new passphrase', currentPassword: 'old one' }, client);

    expect(users.updateCredentials).toHaveBeenCalledWith(1, { email: undefined, hashedPassword: '$2b$10$new' });
    expect(tokens.revokeAllExcept).toHaveBeenCalledWith(1, 5);
  });

  it('changes only the email, keeping the tokens and the hash, and drops cached copies of the old email', async () => {
    const { service, users, hasher, tokens } = setup();

    await service.updateProfile(session, { email: 'new@example.com', currentPassword: 'old one' }, client);

    expect(users.updateCredentials).toHaveBeenCalledWith(1, { email: 'new@example.com', hashedPassword: undefined });
    expect(hasher.hash).not.toHaveBeenCalled();
    expect(tokens.revokeAllExcept).not.toHaveBeenCalled();
    expect(tokens.forgetOwner).toHaveBeenCalledWith(1);
  });

  it('refuses a wrong current password and changes nothing', async () => {
    const { service, users, tokens } = setup(false);

    await expect(service.updateProfile(session, { email: 'x@example.com', currentPassword: 'wrong' }, client)).rejects.toBeDomainError(
      'INVALID_CURRENT_PASSWORD',
      403,
    );
    expect(users.updateCredentials).not.toHaveBeenCalled();
    expect(tokens.revokeAllExcept).not.toHaveBeenCalled();
  });

  it('refuses a request that changes nothing, before any check of the password', async () => {
    const { service, confirmation } = setup();

    await expect(service.updateProfile(session, { currentPassword: 'old one' }, client)).rejects.toBeDomainError('VALIDATION_FAILED', 400);
    expect(confirmation.confirm).not.toHaveBeenCalled();
  });

  it('refuses a new email whose local part the password kept would contain, as registration does', async () => {
    const { service, confirmation, users } = setup();

    await expect(
      service.updateProfile(session, { email: 'marmalade@example.com', currentPassword: 'my marmalade pot' }, client),
    ).rejects.toBeDomainError('VALIDATION_FAILED', 400);
    expect(confirmation.confirm).not.toHaveBeenCalled();
    expect(users.updateCredentials).not.toHaveBeenCalled();
  });
});
