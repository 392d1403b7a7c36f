import { Global, Module } from '@nestjs/common';
import { UsersModule } from '../../users/users.module';
import { AccountDirectory } from './account-directory';

/** Global, so that a module of another team injects AccountDirectory with no import of auth's modules. */
@Global()
@Module({ imports: [UsersModule], providers: [AccountDirectory], exports: [AccountDirectory] })
export class AccountDirectoryModule {}
