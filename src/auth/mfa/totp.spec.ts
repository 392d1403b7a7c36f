import { matchingTotpStep, totpSecretBase32, totpUrl } from './totp';

/** RFC 6238 Appendix B's SHA-1 key; a 6-digit code is the last six digits of the RFC's 8-digit one. */
const RFC_KEY = Buffer.from('12345678901234567890', 'ascii');
const at = (seconds: number) => new Date(seconds * 1000);

describe('TOTP (RFC 6238, SHA-1, 6 digits, 30-second steps)', () => {
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ])('matches the RFC’s vector at %i s, in its own step', (seconds, code) => {
    expect(matchingTotpStep(RFC_KEY, code, at(seconds))).toBe(Math.floor(seconds / 30));
  });

  it('accepts a code one step early or late, and not two', () => {
    // 1111111109 s is step 37037036; its code is 081804.
    const step = 37037036;
    expect(matchingTotpStep(RFC_KEY, '081804', at((step - 1) * 30))).toBe(step);
    expect(matchingTotpStep(RFC_KEY, '081804', at((step + 1) * 30 + 29))).toBe(step);
    expect(matchingTotpStep(RFC_KEY, '081804', at((step - 2) * 30 + 29))).toBeNull();
    expect(matchingTotpStep(RFC_KEY, '081804', at((step + 2) * 30))).toBeNull();
  });

  it.each(['', '08180', '0818045', '08180a', ' 081804', '０８１８０４'])('refuses %j: not six ASCII digits', (code) => {
    expect(matchingTotpStep(RFC_KEY, code, at(1111111109))).toBeNull();
  });

  it('writes the secret in base32 and the otpauth:// URL authenticator apps read', () => {
    expect(totpSecretBase32(RFC_KEY)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    const url = new URL(totpUrl(RFC_KEY, 'Acme', 'ada@example.com'));
    expect(`${url.protocol}//${url.host}${decodeURIComponent(url.pathname)}`).toBe('otpauth://totp/Acme:ada@example.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      issuer: 'Acme',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});
