import { ApiProperty } from '@nestjs/swagger';

/** What an authenticator app needs, shown once: the secret is never readable again. */
export class TotpEnrolmentResponse {
  @ApiProperty({ description: 'The secret in base32, for typing into the app', example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' })
  secret!: string;

  @ApiProperty({
    description: 'The same secret as an otpauth:// URL (what the QR code carries)',
    example: 'otpauth://totp/Nest%20Auth:ada%40example.com?...',
  })
  otpauthUrl!: string;

  @ApiProperty({ description: 'A QR code of otpauthUrl, as an SVG document to put in the page' })
  qrCodeSvg!: string;
}
