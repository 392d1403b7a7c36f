import { AccessToken } from '../auth/tokens/access-token.entity';
import { ThrottleCounter } from '../auth/throttling/throttle-counter.entity';
import { User } from '../users/user.entity';

export const entities = [User, AccessToken, ThrottleCounter];
