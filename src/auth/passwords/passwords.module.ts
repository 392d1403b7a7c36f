import { Module } from '@nestjs/common';
import { PasswordHasher } from './password-hasher';
import { PasswordWorkLimiter } from './password-work-limiter';

@Module({ providers: [PasswordWorkLimiter, PasswordHasher], exports: [PasswordHasher] })
export class PasswordsModule {}
