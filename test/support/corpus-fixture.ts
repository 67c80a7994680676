/** Fixtures on the schema of the labelled N+1 corpus (test/corpus/n-plus-one), in the `//- path` format of `check`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SCHEMA = readFileSync(join(__dirname, '..', 'corpus', 'n-plus-one', 'prisma', 'schema.prisma'), 'utf8');

/** A fixture of the corpus schema and one code file. */
export function corpusCode(source: string, path = 'src/app.ts'): string {
  return `//- prisma/schema.prisma\n${SCHEMA}\n//- ${path}\n${source.replace(/^\n/, '')}`;
}

/** A fixture of the corpus schema and the given files (each starting with `//- path`). */
export function corpusWorkspace(files: string): string {
  return `//- prisma/schema.prisma\n${SCHEMA}\n${files.replace(/^\n/, '')}`;
}
