import type { Request } from 'express';
import { mock } from 'jest-mock-extended';
import { defaultSettings } from '../../../test/support/default-settings';
import { recordingResponse } from '../../../test/support/recording-response';
import { RequestDeadlineMiddleware } from './request-deadline.middleware';

describe('RequestDeadlineMiddleware', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const middleware = (requestTimeoutMs: number) => new RequestDeadlineMiddleware({ ...defaultSettings.http, requestTimeoutMs });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After when the request is still unanswered at the deadline', () => {
    const { response, answer } = recordingResponse();
    const next = jest.fn();
    middleware(2000).use(mock<Request>({ method: 'GET' }), response, next);
    expect(next).toHaveBeenCalled();

    jest.advanceTimersByTime(1999);
    expect(answer.body).toBeUndefined();
    jest.advanceTimersByTime(1);
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['Retry-After']).toBe('5');
    expect(answer.body).toEqual({ statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: expect.any(String) });
  });

  it('leaves answered requests alone', () => {
    const { response, answer, close } = recordingResponse();
    middleware(2000).use(mock<Request>({ method: 'GET' }), response, jest.fn());
    response.json({ fine: true });
    close();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(5000);
    expect(answer.body).toEqual({ fine: true });
    expect(answer.statusCode).toBe(200);
  });

  it('sets no deadline with 0', () => {
    const { response, answer } = recordingResponse();
    middleware(0).use(mock<Request>({ method: 'GET' }), response, jest.fn());
    jest.advanceTimersByTime(600_000);
    expect(answer.body).toBeUndefined();
  });
});
