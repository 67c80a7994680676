/**
 * Workspace facts (which columns the workspace's queries filter and sort on) from the code index.
 * The index keeps each call's argument object as text; a call is read again on its own, against
 * the schema, only when facts are asked for (a code lens on a schema, `unused-index` turned on),
 * and the result is kept per file content and schema.
 */
import { createCodeContext } from '../analysis/code/context';
import { workspaceQueries, type WorkspaceFacts, type WorkspaceQuery } from '../analysis/facts/workspace-facts';
import type { PrismaSchema } from '../analysis/schema/model';
import type { IndexedFile } from './code-index';

/** Calls longer than this are not read again: an argument object that size is generated, not written. */
const MAX_ARGUMENT_CHARS = 20_000;

export class IndexUsageFacts {
  private readonly byFile = new Map<string, { key: string; queries: WorkspaceQuery[] }>();

  /** The facts of every indexed file whose calls name a model of `schema`. */
  factsFor(files: Iterable<IndexedFile>, schema: PrismaSchema, schemaKey: string): WorkspaceFacts {
    const models = new Set(schema.models.map((model) => model.name));
    const queries: WorkspaceQuery[] = [];
    const seen = new Set<string>();
    for (const file of files) {
      seen.add(file.uri);
      if (!file.querySites.some((site) => site.model !== undefined && models.has(site.model))) continue;
      const key = `${file.contentHash}|${schemaKey}`;
      let cached = this.byFile.get(file.uri);
      if (cached?.key !== key) {
        cached = { key, queries: queriesOfFile(file, schema, models) };
        this.byFile.set(file.uri, cached);
      }
      queries.push(...cached.queries);
    }
    for (const uri of [...this.byFile.keys()]) if (!seen.has(uri)) this.byFile.delete(uri);
    return { queries };
  }
}

/** Each model call of the file, rebuilt as `prisma.<delegate>.<operation>(<arguments>)` and read against the schema. */
function queriesOfFile(file: IndexedFile, schema: PrismaSchema, models: ReadonlySet<string>): WorkspaceQuery[] {
  const queries: WorkspaceQuery[] = [];
  for (const site of file.querySites) {
    if (site.kind !== 'model' || !site.delegate || !site.model || !models.has(site.model)) continue;
    const args = site.args?.text ?? '';
    if (args.length > MAX_ARGUMENT_CHARS) continue;
    try {
      const text = `prisma.${site.delegate}.${site.operation}(${args});\n`;
      const context = createCodeContext({ uri: file.uri, text }, schema);
      for (const query of workspaceQueries(context.querySites, schema)) queries.push({ ...query, uri: file.uri, span: site.span, callee: site.callee });
    } catch {
      // A call that cannot be read again counts as using nothing.
    }
  }
  return queries;
}
