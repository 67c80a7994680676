/**
 * Hover SQL speed: the time from a hover request over a Prisma call to the SQL markdown, cold (a new
 * process: wasm instantiation, compiler for the schema) and warm (compiler cached per schema),
 * in process and through the built language server over stdio. Writes its own section of
 * bench/RESULTS.md, between markers that later runs replace.
 *
 *   npm run bench:explain-sql
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileCall, querySiteAt } from '../server/src/explain/sql';
import { sqlMarkdown } from '../server/src/explain/sql-markdown';
import { queryCompilerVersion } from '../server/src/engines/query-compiler';
import { LspTestClient } from '../test/server/lspClient';
import { generateSchema } from './generate-schema';
import { describeMachine } from './machine';
import { ms, summarize, type Summary } from './stats';

const ROOT = join(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'blog');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
const START = '<!-- explain-sql:start (written by bench/explain-sql.ts) -->';
const END = '<!-- explain-sql:end -->';
const WARM_RUNS = 200;
const SERVER_RUNS = 100;

const CALL = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export const load = (authorId: number, take: number) =>
  prisma.user.findMany({ where: { id: authorId, posts: { some: { published: true } } }, include: { posts: { where: { published: true }, orderBy: { publishedAt: 'desc' }, take } } });
`;
const OFFSET = CALL.indexOf('findMany');

function exampleSchema(): { path: string; text: string }[] {
  const path = join(EXAMPLE, 'prisma', 'schema.prisma');
  return [{ path: pathToFileURL(path).toString(), text: readFileSync(path, 'utf8') }];
}

/** The hover pipeline in process: find the call under the cursor, compile it, render markdown. */
async function hoverOnce(text: string, offset: number, schemaFiles: { path: string; text: string }[]): Promise<number> {
  const start = performance.now();
  const site = querySiteAt({ uri: 'file:///bench/load.ts', text }, offset, schemaFiles);
  if (!site) throw new Error('no call under the cursor');
  const result = await compileCall(site, schemaFiles);
  if ('error' in result) throw new Error(result.error);
  sqlMarkdown(result);
  return performance.now() - start;
}

async function warmInProcess(schemaFiles: { path: string; text: string }[], text: string, offset: number): Promise<Summary> {
  await hoverOnce(text, offset, schemaFiles);
  const samples: number[] = [];
  // A different text each run, as after an edit: the file is parsed again every time.
  for (let run = 0; run < WARM_RUNS; run++) samples.push(await hoverOnce(`${text}// edit ${run}\n`, offset, schemaFiles));
  return summarize(samples);
}

/** A first hover in a fresh process, five times: wasm instantiation plus the compiler for the schema. */
function coldInProcess(schemaPath: string): Summary & { rssMb: number } {
  const script = `
    const { readFileSync } = require('node:fs');
    const { compileCall, querySiteAt } = require(${JSON.stringify(join(ROOT, 'server/src/explain/sql.ts'))});
    const files = [{ path: 'file:///schema.prisma', text: readFileSync(${JSON.stringify(schemaPath)}, 'utf8') }];
    const text = ${JSON.stringify(CALL)};
    global.gc();
    const rssBefore = process.memoryUsage().rss;
    const start = performance.now();
    const site = querySiteAt({ uri: 'file:///bench/load.ts', text }, ${OFFSET}, files);
    compileCall(site, files).then((r) => {
      if ('error' in r) throw new Error(r.error);
      const elapsed = performance.now() - start;
      global.gc();
      process.stdout.write(JSON.stringify({ elapsed, rssMb: (process.memoryUsage().rss - rssBefore) / 1048576 }));
    });
  `;
  const samples: number[] = [];
  const memory: number[] = [];
  for (let run = 0; run < 5; run++) {
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    if (child.status !== 0) throw new Error(child.stderr);
    const measured = JSON.parse(child.stdout) as { elapsed: number; rssMb: number };
    samples.push(measured.elapsed);
    memory.push(measured.rssMb);
  }
  return { ...summarize(samples), rssMb: summarize(memory).median };
}

async function throughServer(settleMs = 0): Promise<{ first: number; warm: Summary }> {
  const root = mkdtempSync(join(tmpdir(), 'prisma-lens-bench-hover-'));
  cpSync(EXAMPLE, root, { recursive: true });
  const client = new LspTestClient();
  try {
    await client.initialize(root, { pull: true });
    const uri = pathToFileURL(join(root, 'src', 'load.ts')).toString();
    await client.open(uri, CALL, 'typescript');
    // Time a user spends before hovering: the server prepares the compiler in the background meanwhile.
    if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
    const before = CALL.slice(0, OFFSET).split('\n');
    const position = { line: before.length - 1, character: before.at(-1)!.length + 2 };
    const hover = async (): Promise<number> => {
      const start = performance.now();
      const result = await client.connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position });
      if (!result || !result.contents.value.includes('```sql')) throw new Error(`no SQL in the hover: ${JSON.stringify(result)}`);
      return performance.now() - start;
    };
    const first = await hover();
    const samples: number[] = [];
    for (let run = 0; run < SERVER_RUNS; run++) samples.push(await hover());
    return { first, warm: summarize(samples) };
  } finally {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  }
}

function row(label: string, summary: Summary): string {
  return `| ${label} | ${summary.runs} | ${ms(summary.min)} | ${ms(summary.median)} | ${ms(summary.p90)} | ${ms(summary.max)} |`;
}

async function main(): Promise<void> {
  const example = exampleSchema();
  const large = generateSchema(300);
  const largeDir = mkdtempSync(join(tmpdir(), 'prisma-lens-bench-schema-'));
  const largePath = join(largeDir, 'schema.prisma');
  writeFileSync(largePath, large.text);
  const largeModel = /^model (\w+) \{/m.exec(large.text)![1]!;
  const largeCall = `const prisma = new PrismaClient();\nexport const load = (id: number) => prisma.${largeModel.charAt(0).toLowerCase()}${largeModel.slice(1)}.findMany({ where: { id } });\n`;
  try {
    const coldExample = coldInProcess(join(EXAMPLE, 'prisma', 'schema.prisma'));
    const warmExample = await warmInProcess(example, CALL, OFFSET);
    const warmLarge = await warmInProcess([{ path: pathToFileURL(largePath).toString(), text: large.text }], largeCall, largeCall.indexOf('findMany'));
    const server = await throughServer();
    const settled = await throughServer(3_000);
    const machine = describeMachine();
    const section = [
      START,
      '## Hover SQL (Prisma\'s query compiler)',
      '',
      `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory}, Node ${machine.node}, ${machine.os}, load average ${machine.loadAverage}. Query compiler \`@prisma/query-compiler-wasm\` ${queryCompilerVersion()} (PostgreSQL build, "fast" variant, ${(readFileSync(join(ROOT, 'node_modules/@prisma/query-compiler-wasm/postgresql/query_compiler_fast_bg.wasm')).length / 1024 / 1024).toFixed(1)} MB).`,
      '',
      `The call: \`prisma.user.findMany\` with a relation filter and an \`include\` with its own filter, order and a run-time \`take\` (2 statements), on the example schema (examples/blog); and \`findMany\` on a generated ${large.stats.models}-model schema (${large.stats.lines.toLocaleString('en-US')} lines). A hover parses the file (the in-process runs change the text every time, as an edit does), finds the call under the cursor, reads the argument object, compiles it and renders the markdown; through the server it also finds and reads the schema files. Target: ≤ 20 ms warm. The machine was shared with other work while this ran (see the load average), which shows in the median, p90 and max columns; the min column is the cost without contention.`,
      '',
      '| Hover, time to SQL markdown | Runs | Min | Median | p90 | Max |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      row('cold: first hover in a new process, example schema', coldExample),
      row('warm, in process, example schema', warmExample),
      row(`warm, in process, ${large.stats.models}-model schema`, warmLarge),
      row('warm, built server over stdio (request to response), example schema', server.warm),
      '',
      `First hover through the server right after the file opened (compiler not yet loaded): ${ms(server.first)}; 3 s after the file opened (the server prepares the compiler in the background one second after the first code file with Prisma calls opens): ${ms(settled.first)}.`,
      '',
      `What keeps it fast: the wasm module is compiled asynchronously (off the main thread) and instantiated once per process; one \`QueryCompiler\` per schema text is cached (the last 8 schemas), so a warm hover is a TypeScript parse of the file (reused while the text is unchanged) plus one compile of one to a few milliseconds; the schema model is rebuilt only when a schema file changes. Memory: the first hover grows the process by ${coldExample.rssMb.toFixed(0)} MB (resident set, median of the five cold runs): the compiler's wasm instance, the schema model and the parsed file.`,
      END,
    ].join('\n');
    const document = readFileSync(RESULTS, 'utf8');
    const start = document.indexOf(START);
    const end = document.indexOf(END);
    const next = start >= 0 && end > start ? `${document.slice(0, start)}${section}${document.slice(end + END.length)}` : `${document.replace(/\n*$/, '\n\n')}${section}\n`;
    writeFileSync(RESULTS, next);
    process.stdout.write(`${section}\n`);
  } finally {
    rmSync(largeDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
