import { dictionary } from '@zxcvbn-ts/language-common';
import { DomainError } from '../errors/domain-error';

/**
 * The ~49,000 most common passwords of zxcvbn-ts's maintained list, folded the
 * way passwords are compared here (NFKC, then lower case, so `PassWord1234`
 * is as guessable as `password1234`).
 */
const COMMON_PASSWORDS = new Set(dictionary['passwords-common'].map((password) => foldForComparison(password)));

/** Shorter local parts (`al@…`) would refuse too many unrelated passwords. */
const MIN_LOCAL_PART_TO_MATCH = 4;

function foldForComparison(password: string): string {
  return password.normalize('NFKC').toLowerCase();
}

export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(foldForComparison(password));
}

/** The account's own address, or the part before its `@`, inside the password (NIST SP 800-63B 5.1.1.2). */
export function containsEmail(password: string, email: string): boolean {
  const folded = foldForComparison(password);
  const address = email.toLowerCase();
  const localPart = address.slice(0, address.lastIndexOf('@'));
  return folded.includes(address) || (localPart.length >= MIN_LOCAL_PART_TO_MATCH && folded.includes(localPart));
}

/** 400 naming the password's field when the password holds one of the addresses (absent ones are skipped). */
export function assertPasswordIsNotPersonal(password: string, emails: Array<string | undefined>, field = 'password'): void {
  if (emails.some((email) => email !== undefined && containsEmail(password, email))) {
    throw DomainError.invalidFields([{ field, message: `${field} must not contain your email address` }]);
  }
}
