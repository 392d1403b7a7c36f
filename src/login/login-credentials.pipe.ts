import { Injectable, PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import { isFormContentType } from '../common/http/body-parser.middleware';
import { RequestValidationPipe } from '../common/http/request-validation.pipe';
import { LoginCredentials, LoginRequest, PasswordGrantForm } from './dto/login.request';

/**
 * Reads login credentials in either shape the contract allows: the OAuth 2.0
 * password grant form (`username`), or JSON (`email`), each validated strictly.
 */
@Injectable()
export class LoginCredentialsPipe implements PipeTransform<Request, Promise<LoginCredentials>> {
  private readonly validation = new RequestValidationPipe();

  async transform(request: Request): Promise<LoginCredentials> {
    if (isFormContentType(request.headers['content-type'])) {
      const form = (await this.validation.transform(request.body, {
        type: 'body',
        metatype: PasswordGrantForm,
      })) as PasswordGrantForm;
      return { email: form.username, password: form.password, scope: form.scope };
    }
    const json = (await this.validation.transform(request.body, { type: 'body', metatype: LoginRequest })) as LoginRequest;
    return { email: json.email, password: json.password, scope: json.scope };
  }
}
