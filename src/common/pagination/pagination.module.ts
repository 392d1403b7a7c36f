import { Module } from '@nestjs/common';
import { SignedCursors } from './signed-cursors';

@Module({ providers: [SignedCursors], exports: [SignedCursors] })
export class PaginationModule {}
