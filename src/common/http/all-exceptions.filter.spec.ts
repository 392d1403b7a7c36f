import { ArgumentsHost, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import { AllExceptionsFilter } from './all-exceptions.filter';

function respond(exception: unknown) {
  const response = {
    headersSent: false,
    headers: {} as Record<string, string>,
    statusCode: 0,
    body: undefined as unknown,
    setHeader(name: string, value: string) {
      this.headers[name] = value;
    },
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    json(body: unknown) {
      this.body = body;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return response;
}

describe('AllExceptionsFilter', () => {
  beforeEach(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('maps a domain error to its status, code and field errors', () => {
    const response = respond(new DomainError('VALIDATION_FAILED', 'The request is invalid', [{ field: 'email', message: 'bad' }]));

    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'The request is invalid',
      errors: [{ field: 'email', message: 'bad' }],
    });
  });

  it('adds the Bearer challenge to 401s, with invalid_token for a bad token', () => {
    expect(respond(new DomainError('UNAUTHENTICATED')).headers['WWW-Authenticate']).toBe('Bearer');
    expect(respond(new DomainError('INVALID_TOKEN')).headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
  });

  it("maps Nest's HTTP exceptions by status", () => {
    expect(respond(new NotFoundException()).body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    expect(respond(new PayloadTooLargeException()).body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers an unreachable database with 503 and Retry-After, naming nothing internal', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });

    const response = respond(error);

    expect(response.statusCode).toBe(503);
    expect(response.headers['Retry-After']).toBe('5');
    expect(JSON.stringify(response.body)).not.toMatch(/ECONNREFUSED|3306/);
  });

  it('answers anything unexpected with a generic 500 and no detail', () => {
    const response = respond(new TypeError("Cannot read properties of undefined (reading 'secret')"));

    expect(response.body).toEqual({ statusCode: 500, code: 'INTERNAL_ERROR', message: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toContain('secret');
  });
});
