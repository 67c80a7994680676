/** A code lens on each `@@index` of a schema: how many queries of the workspace's code can use it. */
import type { CodeLens, Connection } from 'vscode-languageserver/node';
import { WorkspaceIndexUsage } from '../analysis/facts/workspace-facts';
import type { CodeIndex } from '../workspace/code-index';
import type { SchemaWorkspace } from '../workspace/documents';
import type { IndexUsageFacts } from '../workspace/index-usage';
import { isSchemaUri } from './diagnostics';

export function registerIndexUsageLenses(connection: Connection, workspace: SchemaWorkspace, index: CodeIndex, facts: IndexUsageFacts, log: (message: string) => void): void {
  connection.onCodeLens(async (params): Promise<CodeLens[]> => {
    const uri = params.textDocument.uri;
    if (!isSchemaUri(uri)) return [];
    try {
      const analysed = await workspace.analyse(uri);
      const lines = analysed?.lineIndexes.get(uri);
      if (!analysed || !lines) return [];
      const schema = analysed.analysis.schema;
      const usage = new WorkspaceIndexUsage(facts.factsFor(index.files.values(), schema));
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
  });
}
