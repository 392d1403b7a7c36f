import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { ErrorBody } from './error-body';

/** Adds a protocol's own members to an error body of some requests (OAuth's `error`), beside the contract's. */
export type ErrorBodyExtension = (request: Request, body: ErrorBody) => void;

/**
 * The members that some endpoints' protocols add to each of their error
 * bodies, registered by the modules that serve them and applied by the one
 * exception filter: an error raised before routing (a body that does not
 * parse) gets them as well as one raised by the handler.
 */
@Injectable()
export class ErrorBodyExtensions {
  private readonly extensions: ErrorBodyExtension[] = [];

  add(extension: ErrorBodyExtension): void {
    this.extensions.push(extension);
  }

  apply(request: Request, body: ErrorBody): void {
    for (const extend of this.extensions) extend(request, body);
  }
}
