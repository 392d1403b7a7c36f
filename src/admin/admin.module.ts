import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/internal';
import { PaginationModule } from '../common/pagination/pagination.module';
import { UsersModule } from '../users/users.module';
import { AdminSecurityEventsController } from './admin-security-events.controller';
import { AdminUsersController } from './admin-users.controller';
import { AdminUsersService } from './admin-users.service';

/** Administration of every account (`/admin/*`): admins only, with the admin scope. */
@Module({
  imports: [UsersModule, AuthModule, PaginationModule],
  controllers: [AdminUsersController, AdminSecurityEventsController],
  providers: [AdminUsersService],
})
export class AdminModule {}
