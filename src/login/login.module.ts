import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/internal';
import { UsersModule } from '../users/users.module';
import { LoginController } from './login.controller';
import { LoginService } from './login.service';
import { PasskeyLoginController } from './passkey-login.controller';

/** Login (password, second factor, passkey) with a bearer token or a cookie session, logout and the caller's tokens. */
@Module({
  imports: [UsersModule, AuthModule],
  controllers: [LoginController, PasskeyLoginController],
  providers: [LoginService],
})
export class LoginModule {}
