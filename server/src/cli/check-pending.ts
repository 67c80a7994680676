/**
 * `prisma-lens check --pending`: the hazards of the migration Prisma Migrate would generate next,
 * at the schema line that causes them, computed with Prisma's schema engine exactly as the editor
 * does (against the migrations folder, or the schema committed to git when there is none).
 */
import type { Finding } from '../analysis/rules/types';
import type { SchemaFile } from '../analysis/schema/model';
import { sharedSchemaEngineThread } from '../engines/schema-engine-thread';
import type { SchemaSet } from '../workspace/discovery';
import { PendingChanges } from '../workspace/pending-changes';
import type { CheckOutcome } from './outcome';

let pending: PendingChanges | undefined;

/** The pending-change findings of one schema (the project host applies the rules in force to them); problems become warnings. */
export async function pendingFindings(set: SchemaSet, files: readonly SchemaFile[], outcome: CheckOutcome): Promise<Finding[]> {
  pending ??= new PendingChanges(sharedSchemaEngineThread());
  const report = await pending.compute({ projectRoot: set.projectRoot, schemaPath: set.schemaPath, files });
  if (!report) return [];
  if (report.problem) outcome.warnings.push({ path: set.schemaPath, message: `pending migration not computed: ${report.problem}` });
  if (report.baseline.kind === 'none' && report.baseline.reason !== 'the schema does not use PostgreSQL') {
    outcome.warnings.push({ path: set.schemaPath, message: `pending migration not computed: ${report.baseline.reason}` });
  }
  for (const error of report.errors) outcome.warnings.push({ path: set.schemaPath, message: error });
  return report.findings;
}

/** Stops the engine's worker thread, so the process can exit. */
export async function disposePending(): Promise<void> {
  if (pending) await sharedSchemaEngineThread().dispose();
}
