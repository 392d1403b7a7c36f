import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/internal';
import { PasskeysController } from './passkeys.controller';

/** A user's own passkeys: adding, listing, removing (`/auth/passkeys`; the logins with one are in login/). */
@Module({
  imports: [AuthModule],
  controllers: [PasskeysController],
})
export class PasskeysModule {}
