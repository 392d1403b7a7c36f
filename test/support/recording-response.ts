import type { ArgumentsHost } from '@nestjs/common';
import type { HttpArgumentsHost } from '@nestjs/common/interfaces/index.js';
import type { Response } from 'express';
import { mock } from 'jest-mock-extended';
import { EventEmitter } from 'node:events';

/** What a handler did to an Express response: status, headers, JSON body, and whether it ended. */
export interface RecordedAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
  ended: boolean;
}

/**
 * An Express response for unit tests that records what is written to it:
 * typed as the real Response (jest-mock-extended), with just enough
 * behaviour for the error-answering code, and `close` to emit.
 */
export function recordingResponse(): { response: Response; answer: RecordedAnswer; close: () => void } {
  const answer: RecordedAnswer = { statusCode: 200, headers: {}, body: undefined, ended: false };
  const events = new EventEmitter();
  const response = mock<Response>();
  Object.defineProperty(response, 'headersSent', { get: () => answer.ended });
  response.status.mockImplementation((code) => {
    answer.statusCode = code;
    return response;
  });
  response.setHeader.mockImplementation((name, value) => {
    answer.headers[name] = String(value);
    return response;
  });
  response.json.mockImplementation((body: unknown) => {
    answer.body = body;
    answer.ended = true;
    return response;
  });
  response.end.mockImplementation(() => {
    answer.ended = true;
    return response;
  });
  response.once.mockImplementation((event, listener) => {
    events.once(event, listener);
    return response;
  });
  return { response, answer, close: () => events.emit('close') };
}

/** The host an exception filter is handed, around this response. */
export function httpHostOf(response: Response): ArgumentsHost {
  const http = mock<HttpArgumentsHost>();
  http.getResponse.mockReturnValue(response);
  const host = mock<ArgumentsHost>();
  host.switchToHttp.mockReturnValue(http);
  return host;
}
