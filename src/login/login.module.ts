import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { LoginController } from './login.controller';
import { LoginService } from './login.service';

/** Login with a bearer token or a cookie session, logout and the caller's token list. */
@Module({
  imports: [UsersModule, AuthModule],
  controllers: [LoginController],
  providers: [LoginService],
})
export class LoginModule {}
