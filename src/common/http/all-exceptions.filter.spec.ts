import {
  BadGatewayException,
  BadRequestException,
  ConflictException,
  GoneException,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { httpHostOf, recordingResponse } from '../../../test/support/recording-response';
import { DomainError } from '../errors/domain-error';
import { defineErrorCodes } from '../errors/error-codes';
import { AllExceptionsFilter } from './all-exceptions.filter';

function respond(exception: unknown) {
  const { response, answer } = recordingResponse();
  new AllExceptionsFilter().catch(exception, httpHostOf(response));
  return answer;
}

describe('AllExceptionsFilter', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('maps a domain error to its status, code and field errors', () => {
    const answer = respond(DomainError.invalidFields([{ field: 'email', message: 'bad' }], 'The request is invalid'));

    expect(answer.statusCode).toBe(400);
    expect(answer.body).toEqual({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'The request is invalid',
      errors: [{ field: 'email', message: 'bad' }],
    });
  });

  it("answers a module's own code with the status and message it declared", () => {
    const { WIDGET_JAMMED } = defineErrorCodes({ WIDGET_JAMMED: { status: HttpStatus.CONFLICT, message: 'The widget is jammed' } });

    expect(respond(new DomainError(WIDGET_JAMMED)).body).toEqual({
      statusCode: 409,
      code: 'WIDGET_JAMMED',
      message: 'The widget is jammed',
    });
  });

  it('refuses a code declared twice with two meanings', () => {
    defineErrorCodes({ SPROCKET_MISSING: { status: HttpStatus.NOT_FOUND, message: 'No sprocket' } });

    expect(() => defineErrorCodes({ SPROCKET_MISSING: { status: HttpStatus.NOT_FOUND, message: 'No sprocket' } })).not.toThrow();
    expect(() => defineErrorCodes({ SPROCKET_MISSING: { status: HttpStatus.GONE, message: 'No sprocket' } })).toThrow(/already defined/);
    expect(() => defineErrorCodes({ EMAIL_TAKEN: { status: HttpStatus.BAD_REQUEST, message: 'x' } })).toThrow(/already defined/);
    expect(() => defineErrorCodes({ CONFLICT: { status: HttpStatus.BAD_REQUEST, message: 'x' } })).toThrow(/already defined/);
    expect(() => defineErrorCodes({ 'not-upper': { status: HttpStatus.BAD_REQUEST, message: 'x' } })).toThrow(/UPPER_SNAKE_CASE/);
  });

  it('adds the Bearer challenge to 401s, with invalid_token for a bad token', () => {
    expect(respond(new DomainError('UNAUTHENTICATED')).headers['WWW-Authenticate']).toBe('Bearer');
    expect(respond(new DomainError('INVALID_TOKEN')).headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
  });

  it.each([
    [new ConflictException('Note title taken'), { statusCode: 409, code: 'CONFLICT', message: 'Note title taken' }],
    [
      new UnprocessableEntityException('Cannot ship to Antarctica'),
      { statusCode: 422, code: 'UNPROCESSABLE_ENTITY', message: 'Cannot ship to Antarctica' },
    ],
    [new GoneException(), { statusCode: 410, code: 'GONE', message: 'Gone' }],
    [new NotFoundException(), { statusCode: 404, code: 'NOT_FOUND', message: 'Not Found' }],
    [new PayloadTooLargeException(), { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Payload Too Large' }],
    [new UnauthorizedException(), { statusCode: 401, code: 'UNAUTHENTICATED', message: 'Unauthorized' }],
    [new BadRequestException(['one', 'two']), { statusCode: 400, code: 'BAD_REQUEST', message: 'The request is invalid' }],
    [new HttpException({ reason: 'no message' }, 418), { statusCode: 418, code: 'I_AM_A_TEAPOT', message: 'I am a teapot' }],
  ])("keeps a Nest exception's status and string message, with the code named after the status: %p", (exception, body) => {
    const answer = respond(exception);
    expect(answer.statusCode).toBe(body.statusCode);
    expect(answer.body).toEqual(body);
  });

  it('answers a 5xx HttpException with its status and the generic message only, and logs it', () => {
    const answer = respond(new BadGatewayException('upstream said: password=hunter2'));

    expect(answer.statusCode).toBe(502);
    expect(answer.body).toEqual({ statusCode: 502, code: 'BAD_GATEWAY', message: 'Bad gateway' });
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ event: 'request.failed', status: 502 }));
  });

  it('answers an unreachable database with 503 and Retry-After, naming nothing internal', () => {
    const answer = respond(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' }));

    expect(answer.statusCode).toBe(503);
    expect(answer.headers['Retry-After']).toBe('5');
    expect(JSON.stringify(answer.body)).not.toMatch(/ECONNREFUSED|3306/);
  });

  it('answers a deadlock no retry resolved with 503 and Retry-After: trying again is what it needs', () => {
    const answer = respond(Object.assign(new Error('Deadlock found when trying to get lock'), { code: 'ER_LOCK_DEADLOCK', errno: 1213 }));

    expect(answer.statusCode).toBe(503);
    expect(answer.headers['Retry-After']).toBe('5');
  });

  it('answers a value the database refused as too long with 400 VALIDATION_FAILED, naming no column', () => {
    const answer = respond(Object.assign(new Error("Data too long for column 'name' at row 1"), { code: 'ER_DATA_TOO_LONG', errno: 1406 }));

    expect(answer.statusCode).toBe(400);
    expect(answer.body).toEqual({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'The request is invalid',
      errors: [{ field: 'body', message: 'a value is longer than the service stores' }],
    });
    expect(logged).not.toHaveBeenCalled();
  });

  it('answers anything unexpected with a generic 500 and no detail, and logs it', () => {
    const answer = respond(new TypeError("Cannot read properties of undefined (reading 'secret')"));

    expect(answer.body).toEqual({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'Something went wrong on our side' });
    expect(JSON.stringify(answer.body)).not.toContain('secret');
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ event: 'request.failed' }));
  });

  it('only ends a response already answered (by the request deadline)', () => {
    const { response, answer } = recordingResponse();
    response.json({ first: true });

    new AllExceptionsFilter().catch(new Error('late'), httpHostOf(response));

    expect(answer.body).toEqual({ first: true });
  });
});
