/** A code lens on each `@@index` of a schema: how many queries of the workspace's code can use it. */
import type { CodeLens, Connection } from 'vscode-languageserver/node';
import { WorkspaceIndexUsage } from '../analysis/facts/workspace-facts';
import type { CodeIndex } from '../workspace/code-index';
import type { SchemaWorkspace } from '../workspace/documents';
import type { IndexUsageFacts } from '../workspace/index-usage';
import { answeringRequest } from './activity';
import { isSchemaUri } from './diagnostics';

/**
 * `onReady`: called once the workspace's queries, read in the background for a request that came
 * before they were, are all read (the lenses, left out until then, can be asked for again).
 */
export function registerIndexUsageLenses(connection: Connection, workspace: SchemaWorkspace, index: CodeIndex, facts: IndexUsageFacts, log: (message: string) => void, onReady: () => void): void {
  connection.onCodeLens((params) => answeringRequest(() => lenses(params.textDocument.uri)));
  async function lenses(uri: string): Promise<CodeLens[]> {
    if (!isSchemaUri(uri)) return [];
    try {
      const analysed = await workspace.analyse(uri);
      const lines = analysed?.lineIndexes.get(uri);
      if (!analysed || !lines) return [];
      const schema = analysed.analysis.schema;
      const known = facts.factsSoon(index.files.values(), schema, onReady);
      if (!known.queries) return [];
      const usage = new WorkspaceIndexUsage({ queries: known.queries });
      const lenses: CodeLens[] = [];
      for (const model of schema.models) {
        if (model.uri !== uri || model.kind !== 'model') continue;
        for (const modelIndex of model.indexes) {
          if (modelIndex.kind !== 'index' || modelIndex.fields.length === 0) continue;
          const count = usage.queriesUsing(model, modelIndex).length;
          const title = count === 0 ? 'no query in the workspace uses this index' : `${count} ${count === 1 ? 'query' : 'queries'} in the workspace can use this index`;
          const start = lines.positionAt(modelIndex.span.start);
          lenses.push({ range: { start, end: start }, command: { title, command: '' } });
        }
      }
      return lenses;
    } catch (error) {
      log(`index code lenses for ${uri} failed: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }
}
