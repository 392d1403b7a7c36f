import { Injectable, PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import { RequestValidationPipe } from '../common/http/request-validation.pipe';
import { LoginCredentials, LoginRequest, PasswordGrantForm } from './dto/login.request';

const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * Reads login credentials in either shape the contract allows: the OAuth 2.0
 * password grant form (`username`), or JSON (`email`), each validated strictly.
 */
@Injectable()
export class LoginCredentialsPipe implements PipeTransform<Request, Promise<LoginCredentials>> {
  private readonly validation = new RequestValidationPipe();

  async transform(request: Request): Promise<LoginCredentials> {
    if (FORM_CONTENT_TYPE.test(request.headers['content-type'] ?? '')) {
      const form = (await this.validation.transform(request.body, {
        type: 'body',
        metatype: PasswordGrantForm,
      })) as PasswordGrantForm;
      return { email: form.username, password: form.password };
    }
    const json = (await this.validation.transform(request.body, { type: 'body', metatype: LoginRequest })) as LoginRequest;
    return { email: json.email, password: json.password };
  }
}
