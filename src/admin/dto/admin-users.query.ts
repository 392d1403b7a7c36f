import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination/page.query';
import { EMAIL_MAX_LENGTH } from '../../common/validation/account-email.decorator';

export class AdminUsersQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Text the email contains (case as stored: emails are lower case)', example: 'example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(EMAIL_MAX_LENGTH)
  search?: string;
}
