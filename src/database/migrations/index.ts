import { CreateUsersAndAccessTokens1795603137819 } from './1795603137819-CreateUsersAndAccessTokens';
import { CreateThrottleCounters1795606817448 } from './1795606817448-CreateThrottleCounters';

/** Every migration, oldest first; a unit test checks that no file is missing. */
export const migrations = [CreateUsersAndAccessTokens1795603137819, CreateThrottleCounters1795606817448];
