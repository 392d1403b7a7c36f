import type { INestApplication } from '@nestjs/common';
import { mock } from 'jest-mock-extended';
import { ApiDocs } from './api-docs';

describe('ApiDocs', () => {
  it('refuses to start without the application to mount the docs on, instead of serving none', () => {
    expect(() => new ApiDocs().onModuleInit()).toThrow(/call configureApp\(app\) before app\.init\(\)/);
  });

  it('refuses the application once init has run, when the docs could no longer be mounted', () => {
    const docs = new ApiDocs();
    expect(() => docs.onModuleInit()).toThrow();

    expect(() => docs.publishOn(mock<INestApplication>())).toThrow(/must run before app\.init\(\)/);
  });
});
