/** Measures one schema size: generation and validation, in-process analysis, the CLI and the server's edit latency. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { measureCli } from './cli';
import { planEdits } from './edits';
import { generateSchema } from './generate-schema';
import { measureCold, measureWarmNewText, measureWarmUnchanged } from './in-process';
import { assertValidSchema } from './peer';
import type { SizeResult } from './report';
import { measureServerEdits } from './server-edits';

export interface SizePlan {
  models: number;
  cliRuns: number;
  warmRuns: number;
  /** Unmeasured calls before the warm in-process runs. */
  warmUp: number;
  edits: number;
}

/** Writes the schema where Prisma looks for it, `prisma/schema.prisma` in a project with a package.json. */
function writeProject(models: number, text: string): { projectDir: string; schemaPath: string } {
  const projectDir = mkdtempSync(join(tmpdir(), `prisma-lens-bench-${models}-`));
  mkdirSync(join(projectDir, 'prisma'));
  writeFileSync(join(projectDir, 'package.json'), `${JSON.stringify({ name: `bench-${models}-models`, private: true }, null, 2)}\n`);
  const schemaPath = join(projectDir, 'prisma', 'schema.prisma');
  writeFileSync(schemaPath, text);
  return { projectDir, schemaPath };
}

const started = performance.now();

function log(message: string): void {
  process.stderr.write(`${message} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}

/**
 * Runs in a process of its own (see run.ts), so that "cold" means the first call in a process and
 * no other size's caches or heap weigh on the numbers. The order matters: cold first, and the
 * new-text runs, which fill the heap with parsed blocks never used again, last.
 */
export async function measureSize(plan: SizePlan): Promise<SizeResult> {
  const generated = generateSchema(plan.models);
  const { projectDir, schemaPath } = writeProject(plan.models, generated.text);
  const uri = pathToFileURL(schemaPath).href;
  const label = `${plan.models.toLocaleString('en-US')} models`;
  try {
    const cold = measureCold(uri, generated.text);
    assertValidSchema(generated.text, `the generated ${plan.models}-model schema`);
    const edits = planEdits(generated.text, generated.models, plan.edits);
    for (const edit of edits) assertValidSchema(edit.text, `the ${plan.models}-model schema after "${edit.description}"`, false);
    log(`${label}: ${generated.stats.lines.toLocaleString('en-US')} lines; the schema and its ${edits.length} edited texts are valid`);
    // A longer first warm-up: V8 compiles the peer's WebAssembly with a baseline compiler first and
    // optimizes hot functions in the background, which takes a while on a busy machine.
    const warmUnchanged = measureWarmUnchanged(uri, generated.text, plan.warmRuns, plan.warmUp * 3);
    const editTimes = await measureServerEdits(projectDir, schemaPath, generated.text, edits);
    log(`${label}: server edits measured`);
    const cli = measureCli(projectDir, schemaPath, plan.cliRuns);
    log(`${label}: CLI measured`);
    const warmNewText = measureWarmNewText(uri, generated.text, plan.warmRuns, plan.warmUp);
    log(`${label}: in-process analysis measured`);
    return { plan, stats: generated.stats, cold, warmUnchanged, warmNewText, cli, edits: editTimes };
  } finally {
    rmSync(projectDir, { recursive: true, force: true });
  }
}
