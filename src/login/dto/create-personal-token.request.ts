import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const PERSONAL_TOKEN_NAME_MAX_LENGTH = 100;

export class CreatePersonalTokenRequest {
  @ApiProperty({ description: 'What the token is for, as its owner will recognise it in the list', example: 'CI deploys', maxLength: 100 })
  @IsString()
  @MaxLength(PERSONAL_TOKEN_NAME_MAX_LENGTH)
  // Something visible, and no control character: the name is shown in lists and logs' neighbours.
  @Matches(/^(?=.*\S)[^\p{Cc}]+$/u, { message: 'name must hold a visible character and no control character' })
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
