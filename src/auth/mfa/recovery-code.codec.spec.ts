import { digestRecoveryCode, generateRecoveryCode, normaliseRecoveryCode } from './recovery-code.codec';

describe('Recovery codes', () => {
  it('are four groups of four symbols of Crockford base32 (80 bits), different each time, stored as a SHA-256 digest', () => {
    const codes = Array.from({ length: 200 }, generateRecoveryCode);

    for (const { shown, digest } of codes) {
      expect(shown).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
      expect(digest).toEqual(digestRecoveryCode(normaliseRecoveryCode(shown)!));
      expect(digest).toHaveLength(32);
    }
    expect(new Set(codes.map((code) => code.shown)).size).toBe(200);
    // Every symbol of the alphabet turns up: the draw is not biased away from any.
    expect(new Set(codes.flatMap((code) => [...code.shown.replaceAll('-', '')])).size).toBe(32);
  });

  it('reads a code as typed: case, dashes and spaces aside, O as 0 and I or L as 1', () => {
    expect(normaliseRecoveryCode('7K2M-Q9XD-4HRT-0VB1')).toBe('7K2MQ9XD4HRT0VB1');
    expect(normaliseRecoveryCode(' 7k2m q9xd 4hrt ovbl ')).toBe('7K2MQ9XD4HRT0VB1');
    expect(normaliseRecoveryCode('7K2MQ9XD4HRT0VBI')).toBe('7K2MQ9XD4HRT0VB1');
  });

  it.each(['', '123456', '7K2M-Q9XD-4HRT', '7K2M-Q9XD-4HRT-0VBU', '7K2M-Q9XD-4HRT-0VB1-A', '7K2M_Q9XD_4HRT_0VB1'])(
    'is no recovery code: %j',
    (typed) => {
      expect(normaliseRecoveryCode(typed)).toBeNull();
    },
  );
});
