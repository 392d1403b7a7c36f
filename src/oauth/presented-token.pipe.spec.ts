import { DomainError } from '../common/errors/domain-error';
import { PresentedTokenPipe } from './presented-token.pipe';

describe('PresentedTokenPipe', () => {
  const pipe = new PresentedTokenPipe();
  const token = `nat_${'a'.repeat(49)}`;

  it('passes the token and the fields RFC 7009 and RFC 7662 allow beside it, empty optional ones included', () => {
    const form = { token, token_type_hint: 'access_token', client_id: '', client_secret: 'ignored' };
    expect(pipe.transform(form)).toEqual(form);
  });

  it.each([
    ['no token', {}, 'token'],
    ['an empty token', { token: '' }, 'token'],
    ['a token given twice', { token: [token, token] }, 'token'],
    ['a 10 KB token', { token: 'a'.repeat(10_000) }, 'token'],
    ['a hint of 101 characters', { token, token_type_hint: 'h'.repeat(101) }, 'token_type_hint'],
    ['an unknown field', { token, scope: 'account' }, 'scope'],
    ['a member of Object.prototype', { token, toString: 'x' }, 'toString'],
  ])('refuses %s, naming the field', (_case, form, field) => {
    const refusal = (() => {
      try {
        pipe.transform(form);
      } catch (error) {
        return error;
      }
      throw new Error('accepted');
    })();
    expect(refusal).toBeDomainError('VALIDATION_FAILED', 400);
    expect((refusal as DomainError).fieldErrors).toEqual([{ field, message: expect.any(String) }]);
  });

  it('refuses a body that is not an object', () => {
    expect(() => pipe.transform('token=x')).toThrow(DomainError);
  });
});
