import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { PUBLIC_OPERATION } from '../../docs/openapi-document';

export const IS_PUBLIC_KEY = 'isPublic';

/** Opts a route or controller out of the global bearer guard, in the API docs too. Everything else needs a token. */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC_KEY, true), ApiExtension(PUBLIC_OPERATION, true));
