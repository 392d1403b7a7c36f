/**
 * The NestJS documentation's authentication recipe as a team would deploy it
 * (docs.nestjs.com/security/authentication): its AuthGuard verifying a JWT
 * with `JwtModule.register({ secret })`, the secret a string; `helmet()`
 * (docs.nestjs.com/security/helmet); and `nestjs-pino`'s LoggerModule with
 * its defaults, one request line per request on stdout. GET /profile answers
 * the claims as GET /users/me answers the user. Started by bench/run.ts with
 * PORT and RECIPE_JWT_SECRET, in production mode, stdout piped to a file.
 */
import 'reflect-metadata';
import { CanActivate, Controller, ExecutionContext, Get, Injectable, Module, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import helmet from 'helmet';
import { Logger, LoggerModule } from 'nestjs-pino';
import { BaselineClaims } from '../baseline/claims';

type RequestWithClaims = Request & { user?: BaselineClaims };

/** The recipe's guard, as the documentation writes it. */
@Injectable()
class AuthGuard implements CanActivate {
  constructor(private readonly jwtService: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithClaims>();
    const [type, token] = request.headers.authorization?.split(' ') ?? [];
    if (type !== 'Bearer' || !token) throw new UnauthorizedException();
    try {
      request.user = await this.jwtService.verifyAsync<BaselineClaims>(token, { secret: process.env.RECIPE_JWT_SECRET });
    } catch {
      throw new UnauthorizedException();
    }
    return true;
  }
}

@Controller()
class ProfileController {
  @UseGuards(AuthGuard)
  @Get('profile')
  profile(@Req() request: RequestWithClaims) {
    const { sub, email, emailVerified, pendingEmail, mfaEnabled, role, createdAt } = request.user!;
    return { id: Number(sub), email, emailVerified, pendingEmail, mfaEnabled, role, createdAt };
  }

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}

@Module({
  imports: [
    LoggerModule.forRoot(),
    JwtModule.register({ global: true, secret: process.env.RECIPE_JWT_SECRET, signOptions: { expiresIn: '60s' } }),
  ],
  controllers: [ProfileController],
  providers: [AuthGuard],
})
class RecipeModule {}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(RecipeModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.use(helmet());
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
