import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsDisplayName } from '../../common/validation/display-name.decorator';

export const PERSONAL_TOKEN_NAME_MAX_LENGTH = 100;

export class CreatePersonalTokenRequest {
  @ApiProperty({ description: 'What the token is for, as its owner will recognise it in the list', example: 'CI deploys', maxLength: 100 })
  @IsDisplayName(PERSONAL_TOKEN_NAME_MAX_LENGTH)
  name!: string;

  @ApiProperty({
    type: [String],
    description: 'Within the scopes of the token that makes it; may be empty (then only the routes that need no scope)',
    example: ['notes:read'],
  })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  scopes!: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 365, default: 30, description: 'Days until it expires' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  expiresInDays?: number;
}
