import bcrypt from 'bcrypt';
import { defaultSettings } from '../../../test/support/default-settings';
import { PasswordHasher } from './password-hasher';
import { PasswordWorkLimiter } from './password-work-limiter';

const config = (bcryptCost: number) => ({ ...defaultSettings.auth, bcryptCost, passwordHashingConcurrency: 2, passwordHashingQueue: 100 });

const CLIENT = '203.0.113.7';

describe('PasswordHasher', () => {
  let hasher: PasswordHasher;

  beforeAll(async () => {
    hasher = new PasswordHasher(config(10), new PasswordWorkLimiter(config(10)));
    await hasher.onModuleInit();
  });

  it('makes bcrypt hashes of the configured cost, salted differently each time', async () => {
    const [first, second] = await Promise.all([hasher.hash('correct horse', CLIENT), hasher.hash('correct horse', CLIENT)]);

    expect(first).toMatch(/^\$2b\$10\$[./A-Za-z0-9]{53}$/);
    expect(second).not.toBe(first);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hasher.hash('correct horse', CLIENT);

    await expect(hasher.verify('correct horse', hash, CLIENT)).resolves.toBe(true);
    await expect(hasher.verify('correct horsE', hash, CLIENT)).resolves.toBe(false);
  });

  it('normalises with NFKC before hashing and verifying', async () => {
    const hash = await hasher.hash('ﬁnancial ｐａｓｓ', CLIENT);

    await expect(hasher.verify('financial pass', hash, CLIENT)).resolves.toBe(true);
  });

  it('runs exactly one bcrypt comparison when there is no stored hash, and fails', async () => {
    const compare = jest.spyOn(bcrypt, 'compare');

    await expect(hasher.verify('whatever password', null, CLIENT)).resolves.toBe(false);

    expect(compare).toHaveBeenCalledTimes(1);
    expect(compare.mock.calls[0][1]).toMatch(/^\$2b\$10\$/);
    compare.mockRestore();
  });

  it('fails, still with one comparison, against a stored value that is not a bcrypt hash', async () => {
    const compare = jest.spyOn(bcrypt, 'compare');

    await expect(hasher.verify('password', 'plain-text-password', CLIENT)).resolves.toBe(false);

    expect(compare).toHaveBeenCalledTimes(1);
    compare.mockRestore();
  });

  it.each([
    ['the configured cost', '$2b$10$', false],
    ['a lower cost', '$2b$09$', true],
    ['a higher cost', '$2b$12$', true],
    ['the old $2a$ prefix', '$2a$10$', true],
  ])('needsRehash is right for %s', (_case, prefix, expected) => {
    expect(hasher.needsRehash(`${prefix}${'a'.repeat(53)}`)).toBe(expected);
  });

  it('needsRehash flags anything that is not a bcrypt hash', () => {
    expect(hasher.needsRehash('md5:abcdef')).toBe(true);
  });
});
