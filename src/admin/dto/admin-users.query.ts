import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString } from 'class-validator';
import { PageQuery } from '../../common/pagination/page.query';
import { EMAIL_MAX_LENGTH, normalizeEmail } from '../../common/validation/account-email.decorator';
import { MaxCodePoints } from '../../common/validation/text-length.decorator';

export class AdminUsersQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Text the email contains, normalised as emails are (so case-insensitive: `ADA@` finds ada@)',
    example: 'example.com',
  })
  @IsOptional()
  @Transform(({ value }) => normalizeEmail(value))
  @IsString()
  @MaxCodePoints(EMAIL_MAX_LENGTH)
  search?: string;
}
