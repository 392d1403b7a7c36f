import { Module } from '@nestjs/common';
import { UsersModule } from '../../users/users.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { PasswordConfirmation } from './password-confirmation.service';
import { PasswordHasher } from './password-hasher';
import { PasswordWorkLimiter } from './password-work-limiter';

@Module({
  imports: [UsersModule, ThrottlingModule],
  providers: [PasswordWorkLimiter, PasswordHasher, PasswordConfirmation],
  exports: [PasswordHasher, PasswordConfirmation],
})
export class PasswordsModule {}
