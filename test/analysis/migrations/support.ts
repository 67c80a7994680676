/** Shared setup for migration rule tests: the parser, and fixtures run with migration settings. */
import type { MigrationContext } from '../../../server/src/analysis/migrations/context';
import { loadSqlParser } from '../../../server/src/analysis/migrations/sql';
import { fixtureMigrationContext } from '../../support/fixture';

export const parserReady = loadSqlParser;

/** Runs `body` with migration rules seeing `context` (PostgreSQL version, undeployed tables). */
export function withMigrationContext<T>(context: MigrationContext, body: () => T): T {
  const previous = fixtureMigrationContext.current;
  fixtureMigrationContext.current = context;
  try {
    return body();
  } finally {
    fixtureMigrationContext.current = previous;
  }
}

export const MIGRATION = '//- prisma/migrations/20260101000000_change/migration.sql';
