import { Module } from '@nestjs/common';
import { ApiDocs } from './api-docs';

@Module({ providers: [ApiDocs] })
export class ApiDocsModule {}
