/**
 * The reference points for GET /users/me: the same JSON from a plain Nest app,
 * once with no authentication at all (GET /bare) and once behind a correctly
 * configured @nestjs/jwt guard (GET /jwt): HS256 only, the secret a KeyObject.
 * Started by bench/run.ts with PORT and BASELINE_JWT_SECRET (hex).
 */
import 'reflect-metadata';
import { CanActivate, Controller, ExecutionContext, Get, Injectable, Module, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import { createSecretKey } from 'node:crypto';
import { BaselineClaims } from './claims';

interface UserResponse {
  id: number;
  email: string;
  emailVerified: boolean;
  pendingEmail: string | null;
  mfaEnabled: boolean;
  role: 'user' | 'admin';
  createdAt: string;
}

const BEARER = /^Bearer (\S+)$/i;
const USER = Symbol('user');
type RequestWithUser = Request & { [USER]?: UserResponse };

const BARE_USER: UserResponse = {
  id: 1,
  email: 'bench-user-1@example.com',
  emailVerified: false,
  pendingEmail: null,
  mfaEnabled: false,
  role: 'user',
  createdAt: new Date(0).toISOString(),
};

@Injectable()
class JwtGuard implements CanActivate {
  constructor(private readonly jwt: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match) throw new UnauthorizedException();
    try {
      const claims = await this.jwt.verifyAsync<BaselineClaims>(match[1]);
      const { sub, email, emailVerified, pendingEmail, mfaEnabled, role, createdAt } = claims;
      request[USER] = { id: Number(sub), email, emailVerified, pendingEmail, mfaEnabled, role, createdAt };
    } catch {
      throw new UnauthorizedException();
    }
    return true;
  }
}

@Controller()
class BaselineController {
  @Get('bare')
  bare(): UserResponse {
    return BARE_USER;
  }

  @Get('jwt')
  @UseGuards(JwtGuard)
  jwt(@Req() request: RequestWithUser): UserResponse | undefined {
    return request[USER];
  }

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}

function jwtSecret(): Buffer {
  const hex = process.env.BASELINE_JWT_SECRET ?? '';
  if (!/^([0-9a-f]{2}){32,}$/i.test(hex)) throw new Error('BASELINE_JWT_SECRET must be at least 32 bytes of hex');
  return Buffer.from(hex, 'hex');
}

@Module({
  imports: [
    JwtModule.register({
      // A KeyObject, and one algorithm only: what a correct configuration looks like, and what it costs.
      secret: createSecretKey(jwtSecret()),
      verifyOptions: { algorithms: ['HS256'] },
    }),
  ],
  controllers: [BaselineController],
  providers: [JwtGuard],
})
class BaselineModule {}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(BaselineModule, { logger: ['error', 'warn'] });
  // As the service does (src/app.factory.ts), so responses differ by the guard and pipeline only.
  app.disable('x-powered-by');
  app.set('etag', false);
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
