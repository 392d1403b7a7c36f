import { AccessToken } from '../auth/tokens/access-token.entity';
import { User } from '../users/user.entity';

export const entities = [User, AccessToken];
