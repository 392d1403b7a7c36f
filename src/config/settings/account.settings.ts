import { IsIn, Matches } from 'class-validator';
import { DURATION_PATTERN } from '../duration';

/** The account lifecycle: verification and the lifetimes of mailed links (the account namespace). */
export class AccountSettings {
  @IsIn(['optional', 'required'])
  EMAIL_VERIFICATION: 'optional' | 'required' = 'optional';

  @Matches(DURATION_PATTERN, { message: 'EMAIL_VERIFICATION_TTL must be a duration such as 86400, 24h or 7d' })
  EMAIL_VERIFICATION_TTL = '24h';

  @Matches(DURATION_PATTERN, { message: 'EMAIL_CHANGE_TTL must be a duration such as 86400, 24h or 7d' })
  EMAIL_CHANGE_TTL = '24h';

  @Matches(DURATION_PATTERN, { message: 'PASSWORD_RESET_TTL must be a duration such as 1800, 30m or 1h' })
  PASSWORD_RESET_TTL = '30m';
}
