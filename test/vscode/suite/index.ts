/**
 * Entry point VS Code loads with --extensionTestsPath: runs the integration tests one after the
 * other and rejects when any fails, which makes the test host exit non-zero.
 */
import { writeFileSync } from 'node:fs';
import { tests as missingFkIndexTests } from './missingFkIndex';
import { tests as migrationSqlTests } from './migrationSql';

const tests = [...missingFkIndexTests, ...migrationSqlTests];

export interface TestOutcome {
  name: string;
  passed: boolean;
  durationMs: number;
  error?: string;
}

export async function run(): Promise<void> {
  const outcomes: TestOutcome[] = [];
  for (const { name, body } of tests) {
    const started = Date.now();
    try {
      await body();
      outcomes.push({ name, passed: true, durationMs: Date.now() - started });
      console.log(`ok - ${name}`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      outcomes.push({ name, passed: false, durationMs: Date.now() - started, error: message });
      console.error(`not ok - ${name}\n${message}`);
    }
  }
  // A host that does not forward the extension host's exit code (code-server) reads this file instead.
  const resultFile = process.env.PRISMA_LENS_SUITE_RESULT;
  if (resultFile) writeFileSync(resultFile, JSON.stringify(outcomes, null, 2));
  const failed = outcomes.filter((outcome) => !outcome.passed);
  if (failed.length > 0) {
    throw new Error(`${failed.length} of ${outcomes.length} tests failed: ${failed.map((f) => f.name).join(', ')}`);
  }
}
