import { Module } from '@nestjs/common';
import { AccountPages } from './account-pages';

/** The service's own account pages (so far those of the mailed links), served when ACCOUNT_PAGES is on. */
@Module({ providers: [AccountPages] })
export class AccountPagesModule {}
