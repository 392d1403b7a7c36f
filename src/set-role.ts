import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AccountStandingModule, AccountStandingService } from './auth/internal';
import { LoggingModule } from './common/logging/logging.module';
import { ClockModule } from './common/time/clock.module';
import { normalizeEmail } from './common/validation/account-email.decorator';
import { AppConfigModule } from './config/config.module';
import { loadEnvironment } from './config/environment';
import { DatabaseModule } from './database/database.module';
import { USER_ROLES, UserRole } from './users/user.entity';
import { UsersService } from './users/users.service';

/** What changing a role needs, and nothing that serves HTTP. */
@Module({ imports: [LoggingModule, ClockModule, DatabaseModule, AccountStandingModule] })
class SetRoleModule {}

const USAGE = `usage: npm run users:set-role -- <email> <${USER_ROLES.join('|')}>`;

class UsageError extends Error {}

/** `npm run users:set-role -- <email> <role>`: how the first admin is made, and any role changed by an operator. */
async function setRole([email, role, ...rest]: string[]): Promise<void> {
  if (email === undefined || role === undefined || rest.length > 0) throw new UsageError(USAGE);
  if (!(USER_ROLES as readonly string[]).includes(role)) throw new UsageError(`Unknown role "${role}": one of ${USER_ROLES.join(', ')}`);
  const environment = loadEnvironment({ DATABASE_MIGRATE_ON_START: 'false' });
  const app = await NestFactory.createApplicationContext(
    { module: SetRoleModule, imports: [AppConfigModule.forEnvironment(environment)] },
    { bufferLogs: true },
  );
  app.useLogger(app.get(PinoLogger));
  try {
    const address = String(normalizeEmail(email));
    const user = await app.get(UsersService).findByEmail(address);
    if (!user) throw new UsageError(`No account has the email ${address}`);
    const changed = await app.get(AccountStandingService).change(user.id, { role: role as UserRole }, null);
    new Logger('SetRole').log({ event: 'user.role_set', userId: changed.id, role: changed.role });
  } finally {
    await app.close();
  }
}

setRole(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
