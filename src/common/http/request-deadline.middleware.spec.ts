import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { HttpConfig } from '../../config/app.config';
import { RequestDeadlineMiddleware } from './request-deadline.middleware';

function fakeResponse() {
  const response = Object.assign(new EventEmitter(), {
    headersSent: false,
    statusCode: 200,
    headers: {} as Record<string, string>,
    body: undefined as unknown,
    status(code: number) {
      response.statusCode = code;
      return response;
    },
    setHeader(name: string, value: string) {
      response.headers[name] = value;
      return response;
    },
    json(body: unknown) {
      response.body = body;
      response.headersSent = true;
      return response;
    },
  });
  return response;
}

describe('RequestDeadlineMiddleware', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const middleware = (requestTimeoutMs: number) => new RequestDeadlineMiddleware({ requestTimeoutMs } as HttpConfig);

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After when the request is still unanswered at the deadline', () => {
    const response = fakeResponse();
    const next = jest.fn();
    middleware(2000).use({ method: 'GET' } as Request, response as unknown as Response, next);
    expect(next).toHaveBeenCalled();

    jest.advanceTimersByTime(1999);
    expect(response.body).toBeUndefined();
    jest.advanceTimersByTime(1);
    expect(response.statusCode).toBe(503);
    expect(response.headers['Retry-After']).toBe('5');
    expect(response.body).toEqual({ statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: expect.any(String) });
  });

  it('leaves answered requests alone', () => {
    const response = fakeResponse();
    middleware(2000).use({ method: 'GET' } as Request, response as unknown as Response, jest.fn());
    response.json({ fine: true });
    response.emit('close');
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(5000);
    expect(response.body).toEqual({ fine: true });
    expect(response.statusCode).toBe(200);
  });

  it('sets no deadline with 0', () => {
    const response = fakeResponse();
    middleware(0).use({ method: 'GET' } as Request, response as unknown as Response, jest.fn());
    jest.advanceTimersByTime(600_000);
    expect(response.body).toBeUndefined();
  });
});
