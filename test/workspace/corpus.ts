/** The labelled N+1 corpus as workspace files, and the query sites the full analysis finds in a file: for the index tests. */
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createCodeContext } from '../../server/src/analysis/code/context';
import { LineIndex } from '../../server/src/analysis/text';
import type { CodeSchema } from '../../server/src/workspace/code-index';
import { compactSite, type IndexedQuerySite } from '../../server/src/workspace/code-index-core';

export const CORPUS = path.join(__dirname, '..', 'corpus', 'n-plus-one');

/** Every code file of the corpus, by its path relative to the corpus (forward slashes). */
export async function corpusFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(CORPUS, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.(?:tsx?|jsx?|mts|cts|mjs|cjs)$/.test(entry.name)) {
      const file = path.join(entry.parentPath, entry.name);
      files[path.relative(CORPUS, file).split(path.sep).join('/')] = await readFile(file, 'utf8');
    }
  }
  return files;
}

/** The sites the full analysis finds (parsed with parent pointers, as rules see it), as the index keeps them. */
export function expectedSites(uri: string, text: string, schema: CodeSchema | undefined): IndexedQuerySite[] {
  const lines = new LineIndex(text);
  return createCodeContext({ uri, text }, schema?.schema).querySites.map((site) => compactSite(site, text, lines));
}
