/** Integration test for migration SQL in a real VS Code: a new migration.sql gets its finding and the CONCURRENTLY quick fix. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diagnosticCode, waitForDiagnostics } from './diagnostics';

const timeoutMs = 60_000;

function migrationUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test host must open the copied examples/blog folder');
  return vscode.Uri.joinPath(folder.uri, 'prisma', 'migrations', name, 'migration.sql');
}

async function writeAndOpen(uri: vscode.Uri, text: string): Promise<vscode.TextDocument> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  assert.equal(document.languageId, 'sql');
  return document;
}

export const tests: { name: string; body: () => Promise<void> }[] = [
  {
    name: 'migration.sql: reports a required column added to an existing table, and offers CONCURRENTLY for a lone index',
    async body() {
      const required = migrationUri('20260101000000_post_title');
      const reported = waitForDiagnostics(required, (all) => all.some((diagnostic) => diagnosticCode(diagnostic) === 'adding-required-field'), timeoutMs);
      const document = await writeAndOpen(required, '-- AlterTable\nALTER TABLE "Post" ADD COLUMN     "title" TEXT NOT NULL;\n');
      const finding = (await reported).find((diagnostic) => diagnosticCode(diagnostic) === 'adding-required-field')!;
      assert.equal(document.getText(finding.range), '"title" TEXT NOT NULL');
      assert.match(finding.message, /fails if "Post" has any rows/);

      const index = migrationUri('20260102000000_post_title_index');
      const indexReported = waitForDiagnostics(index, (all) => all.some((diagnostic) => diagnosticCode(diagnostic) === 'require-concurrent-index-creation'), timeoutMs);
      await writeAndOpen(index, 'CREATE INDEX "Post_title_idx" ON "Post"("title");\n');
      const indexFinding = (await indexReported).find((diagnostic) => diagnosticCode(diagnostic) === 'require-concurrent-index-creation')!;
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', index, indexFinding.range, vscode.CodeActionKind.QuickFix.value);
      const concurrently = actions.find((action) => action.title === 'Build the index CONCURRENTLY');
      assert.ok(concurrently, `actions: ${actions.map((action) => action.title).join(' | ')}`);
      assert.notEqual(concurrently.isPreferred, true, 'adding CONCURRENTLY changes behaviour: never the preferred fix');
    },
  },
];
