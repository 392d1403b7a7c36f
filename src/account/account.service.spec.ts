import { mock } from 'jest-mock-extended';
import { defaultSettings } from '../../test/support/default-settings';
import {
  AccessTokenRevoker,
  AttemptThrottleService,
  LinkTokensService,
  PasswordChangesService,
  PasswordConfirmationService,
  PasswordHasher,
  SecondFactorService,
  SecurityEventLog,
} from '../auth/internal';
import { DomainError } from '../common/errors/domain-error';
import { Clock } from '../common/time/clock';
import { Transaction, UnitOfWork } from '../database/unit-of-work';
import { Outbox } from '../mail/outbox';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AccountMails } from './account.mails';
import { AccountService } from './account.service';

describe('AccountService.updateProfile', () => {
  const session = {
    tokenId: 5,
    user: {
      id: 1,
      email: 'ada@example.com',
      role: 'user' as const,
      emailVerifiedAt: null,
      pendingEmail: null,
      mfaEnabledAt: null,
      createdAt: new Date(),
    },
    tokenKind: 'session' as const,
    scopes: ['account'],
    issuedAt: new Date(),
    signedInAt: new Date(),
    expiresAt: new Date(Date.now() + 3600_000),
  };
  const user = Object.assign(new User(), {
    id: 1,
    email: 'ada@example.com',
    hashedPassword: '$2b$10$old',
    emailVerifiedAt: null,
    pendingEmail: null,
    mfaEnabledAt: null,
    createdAt: new Date(),
  });
  const client = { ip: '203.0.113.7', userAgent: 'jest' };

  const setup = (currentPasswordMatches = true) => {
    const users = mock<UsersService>();
    users.getById.mockResolvedValue(user);
    users.findByEmail.mockResolvedValue(null);
    users.update.mockResolvedValue(undefined);
    const hasher = mock<PasswordHasher>();
    hasher.hash.mockResolvedValue('$2b$10$new');
    const confirmation = mock<PasswordConfirmationService>();
    if (currentPasswordMatches) confirmation.confirm.mockResolvedValue(undefined);
    else confirmation.confirm.mockRejectedValue(new DomainError('INVALID_CURRENT_PASSWORD'));
    const passwordChanges = mock<PasswordChangesService>();
    const links = mock<LinkTokensService>();
    links.issue.mockResolvedValue('lnk_token');
    const tokens = mock<AccessTokenRevoker>();
    const outbox = mock<Outbox>();
    const transaction = mock<Transaction>();
    const unitOfWork = mock<UnitOfWork>();
    unitOfWork.run.mockImplementation((work) => work(transaction));
    const mails = new AccountMails({ ...defaultSettings.mail, appUrl: 'https://app.example.com' });
    const throttle = mock<AttemptThrottleService>();
    throttle.mayMail.mockResolvedValue(true);
    const service = new AccountService(
      users,
      hasher,
      confirmation,
      passwordChanges,
      links,
      tokens,
      mock<SecondFactorService>(),
      throttle,
      mock<SecurityEventLog>(),
      outbox,
      mails,
      unitOfWork,
      new Clock(),
    );
    return { service, users, hasher, confirmation, passwordChanges, links, tokens, outbox, transaction, throttle };
  };

  it('confirms the current password through the throttled check, for this user and client', async () => {
    const { service, confirmation } = setup();

    await service.updateProfile(session, { email: 'new@example.com', currentPassword: 'old one' }, client);

    expect(confirmation.confirm).toHaveBeenCalledWith(session, 'old one', client.ip);
  });

  it('sets a new password with everything that goes with it, keeping the caller’s session, and mails a notice, in one transaction', async () => {
    const { service, passwordChanges, outbox, transaction } = setup();

    await service.updateProfile(session, { password: 'a new passphrase', currentPassword: 'old one' }, client);

    expect(passwordChanges.apply).toHaveBeenCalledWith(1, '$2b$10$new', 5, transaction);
    expect(outbox.enqueue).toHaveBeenCalledWith(
      expect.objectContaining({ to: 'ada@example.com', subject: 'Your password was changed' }),
      transaction,
    );
    expect(passwordChanges.forgetSessions).toHaveBeenCalledWith(1, 5);
  });

  it('keeps the email as it is and sets it pending, with a link to the new address and a notice to the current one', async () => {
    const { service, users, hasher, links, outbox, passwordChanges, transaction } = setup();

    await service.updateProfile(session, { email: 'new@example.com', currentPassword: 'old one' }, client);

    expect(users.update).toHaveBeenCalledWith(1, { pendingEmail: 'new@example.com' }, transaction);
    expect(links.revokeForUser).toHaveBeenCalledWith(1, ['change-email'], transaction);
    expect(links.issue).toHaveBeenCalledWith(1, 'change-email', 'new@example.com', transaction);
    expect(outbox.enqueue).toHaveBeenCalledWith(
      expect.objectContaining({
        to: 'new@example.com',
        text: expect.stringContaining('https://app.example.com/confirm-email#token=lnk_token'),
      }),
      transaction,
    );
    expect(outbox.enqueue).toHaveBeenCalledWith(
      expect.objectContaining({ to: 'ada@example.com', text: expect.not.stringContaining('lnk_token') }),
      transaction,
    );
    expect(hasher.hash).not.toHaveBeenCalled();
    expect(passwordChanges.apply).not.toHaveBeenCalled();
  });

  it('refuses an address another account has, before writing anything, once the request is counted as any other', async () => {
    const { service, users, outbox, throttle } = setup();
    users.findByEmail.mockResolvedValue(Object.assign(new User(), { id: 2 }));

    await expect(
      service.updateProfile(session, { email: 'taken@example.com', currentPassword: 'old one' }, client),
    ).rejects.toBeDomainError('EMAIL_TAKEN', 409);
    expect(throttle.countEmailChange).toHaveBeenCalledWith(1, 'taken@example.com');
    expect(outbox.enqueue).not.toHaveBeenCalled();
  });

  it('changes the password but mails no notice once the address had its few notices of the hour', async () => {
    const { service, passwordChanges, outbox, throttle } = setup();
    throttle.mayMail.mockResolvedValue(false);

    await service.updateProfile(session, { password: 'a new passphrase', currentPassword: 'old one' }, client);

    expect(throttle.mayMail).toHaveBeenCalledWith('notice', 'ada@example.com');
    expect(passwordChanges.apply).toHaveBeenCalled();
    expect(outbox.enqueue).not.toHaveBeenCalled();
  });

  it('refuses a wrong current password and changes nothing', async () => {
    const { service, users, passwordChanges } = setup(false);

    await expect(service.updateProfile(session, { email: 'x@example.com', currentPassword: 'wrong' }, client)).rejects.toBeDomainError(
      'INVALID_CURRENT_PASSWORD',
      403,
    );
    expect(users.update).not.toHaveBeenCalled();
    expect(passwordChanges.apply).not.toHaveBeenCalled();
  });

  it('refuses a request that changes nothing (the same email counts as none), before any check of the password', async () => {
    const { service, confirmation } = setup();

    await expect(service.updateProfile(session, { currentPassword: 'old one' }, client)).rejects.toBeDomainError('VALIDATION_FAILED', 400);
    await expect(service.updateProfile(session, { email: 'ada@example.com', currentPassword: 'old one' }, client)).rejects.toBeDomainError(
      'VALIDATION_FAILED',
      400,
    );
    expect(confirmation.confirm).not.toHaveBeenCalled();
  });

  it('refuses a new email whose local part the password kept would contain, as registration does', async () => {
    const { service, confirmation, users } = setup();

    await expect(
      service.updateProfile(session, { email: 'marmalade@example.com', currentPassword: 'my marmalade pot' }, client),
    ).rejects.toBeDomainError('VALIDATION_FAILED', 400);
    expect(confirmation.confirm).not.toHaveBeenCalled();
    expect(users.update).not.toHaveBeenCalled();
  });
});
