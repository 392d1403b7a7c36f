import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { errorCodeDefinition, ErrorCode } from './error-codes';
import { ErrorResponse } from './error.response';

/** One documented answer per status, listing the codes a client may branch on. */
export function errorResponses(codes: readonly ErrorCode[]): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { status } = errorCodeDefinition(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } };

export function errorResponseObject(codes: readonly ErrorCode[]) {
  const retries = codes.some((code) => code === 'TOO_MANY_REQUESTS' || code === 'SERVICE_UNAVAILABLE');
  return {
    description: codes.join(', '),
    headers: retries ? RETRY_AFTER : {},
    content: {
      'application/json': {
        schema: { allOf: [{ $ref: getSchemaPath(ErrorResponse) }, { properties: { code: { type: 'string', enum: [...codes] } } }] },
      },
    },
  };
}

type ErrorResponseObject = ReturnType<typeof errorResponseObject>;

/** The codes an answer documented by errorResponseObject lists; none for any other answer. */
export function documentedErrorCodes(response: unknown): ErrorCode[] {
  const schema = (response as Partial<ErrorResponseObject> | undefined)?.content?.['application/json']?.schema;
  return schema?.allOf?.[1]?.properties?.code?.enum ?? [];
}

/** Documents the error answers a route can give, by code: the contract's, a module's own, or a status name such as `CONFLICT`. */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator {
  const decorators = [...errorResponses(codes)].map(([status, statusCodes]) =>
    ApiResponse({ status, ...errorResponseObject(statusCodes) }),
  );
  return applyDecorators(...decorators);
}
