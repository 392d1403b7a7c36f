import { Module } from '@nestjs/common';
import { AccountPages } from './account-pages';

/** The service's own account pages (sign-in, registration, the mailed links, the account), served when ACCOUNT_PAGES is on. */
@Module({ providers: [AccountPages] })
export class AccountPagesModule {}
