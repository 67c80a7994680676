/** What a code rule sees: one TypeScript/JavaScript file, parsed once, its query sites, and the schema they run against. */
import type ts from 'typescript';
import type { WorkspaceCalls } from '../facts/workspace-calls';
import type { Model, PrismaSchema } from '../schema/model';
import { indexFile, type FileIndex } from './file-index';
import { prunedQuerySites } from './pruned-sites';
import { findQuerySites, findQuerySitesByDelegate, type QuerySite } from './query-sites';
import { parseSourceForIndex } from './syntax';

export interface CodeFile {
  uri: string;
  text: string;
  version?: number;
}

export interface CodeRuleContext {
  uri: string;
  text: string;
  /** The schema of the project the file belongs to; undefined when none was found. */
  schema: PrismaSchema | undefined;
  /** The file parsed by the TypeScript parser (parent pointers set), shared by every rule. */
  sourceFile: ts.SourceFile;
  /** What one walk over the file found: operation calls, client names, local functions and calls. */
  index: FileIndex;
  /** Every Prisma Client call of the file, in source order. */
  querySites: readonly QuerySite[];
  /** What the workspace's other files query per call of their functions; undefined when the host did not compute it. */
  workspaceCalls: WorkspaceCalls | undefined;
}

/**
 * Parses and indexes a file once; every code rule then reads the same context. The parse skips the
 * parser's parent-pointer pass: the index walk sets them, before any rule looks upwards from a node.
 */
export function createCodeContext(file: CodeFile, schema: PrismaSchema | undefined, workspaceCalls?: WorkspaceCalls): CodeRuleContext {
  const index = indexFile(parseSourceForIndex(file.uri, file.text));
  const sourceFile = index.sourceFile;
  const querySites = findQuerySites(index, file.uri, schema);
  return { uri: file.uri, text: file.text, schema, sourceFile, index, querySites, workspaceCalls };
}

/**
 * The query sites of a file alone, for the workspace index: the same sites as `createCodeContext`,
 * from a parse without the parser's parent-pointer pass (the index walk sets them), of the file's
 * statements that name an operation when that can be shown to give the same sites
 * (`pruned-sites.ts`), else of the whole file. `delegates` is the schema's `modelsByDelegate`;
 * undefined when the file belongs to no schema. The sites' nodes may come from the pruned parse,
 * whose arguments objects are empty: read their text from `file.text` by their spans.
 */
export function findFileQuerySites(file: CodeFile, delegates: ReadonlyMap<string, Model> | undefined): QuerySite[] {
  return prunedQuerySites(file.uri, file.text, delegates) ?? findWholeFileQuerySites(file, delegates);
}

/** `findFileQuerySites` from a parse of the whole file. */
export function findWholeFileQuerySites(file: CodeFile, delegates: ReadonlyMap<string, Model> | undefined): QuerySite[] {
  return findQuerySitesByDelegate(indexFile(parseSourceForIndex(file.uri, file.text)), file.uri, delegates);
}
