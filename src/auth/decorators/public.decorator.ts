import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC_KEY = 'isPublic';

/** The OpenAPI extension @Public() sets on an operation; the document builder turns it into an empty security requirement. */
export const PUBLIC_OPERATION = 'x-public';

/** Opts a route or controller out of the global access-token guard, in the API docs too. Everything else needs a token. */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC_KEY, true), ApiExtension(PUBLIC_OPERATION, true));
