/** Integration tests for the missing-fk-index rule in a real VS Code: diagnostics, quick fix, fix all. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diagnosticCode, waitForDiagnostics } from './diagnostics';

const rule = 'missing-fk-index';
const timeoutMs = 60_000;

/** Foreign keys in examples/blog without an index. */
const missing = ['User.invitedById', 'Post.authorId', 'Comment.authorId', 'PostTag.tagId', 'Subscription.authorId'];

function schemaUri(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test host must open the copied examples/blog folder');
  return vscode.Uri.joinPath(folder.uri, 'prisma', 'schema.prisma');
}

function findingsOfRule(diagnostics: readonly vscode.Diagnostic[]): vscode.Diagnostic[] {
  return diagnostics.filter((diagnostic) => diagnostic.source === 'prisma-lens' && diagnosticCode(diagnostic) === rule);
}

function warningFor(diagnostics: readonly vscode.Diagnostic[], field: string): vscode.Diagnostic | undefined {
  return findingsOfRule(diagnostics).find((diagnostic) => diagnostic.message.includes(`: "${field}" has no index.`));
}

/** The lines between `model <name> {` and its closing brace. */
function modelLines(text: string, model: string): string[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => new RegExp(`^model\\s+${model}\\s*\\{`).test(line));
  const end = lines.findIndex((line, index) => index > start && line.startsWith('}'));
  assert.ok(start >= 0 && end > start, `model ${model} not found`);
  return lines.slice(start + 1, end);
}

async function openSchema(): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(schemaUri());
  await vscode.window.showTextDocument(document);
  assert.equal(document.languageId, 'prisma');
  return document;
}

/** The tests run in this order: the second one continues from the file the first one saved. */
export const tests: { name: string; body: () => Promise<void> }[] = [
  {
    name: 'reports each foreign key without an index and fixes Post.authorId with the quick fix',
    async body() {
      const uri = schemaUri();
      const allReported = waitForDiagnostics(uri, (all) => missing.every((field) => warningFor(all, field)), timeoutMs);
      const document = await openSchema();
      const diagnostics = await allReported;

      const postAuthorId = warningFor(diagnostics, 'Post.authorId');
      assert.ok(postAuthorId);
      assert.equal(postAuthorId.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(document.getText(postAuthorId.range), 'authorId');
      assert.match(document.lineAt(postAuthorId.range.start.line).text, /^\s*authorId\s+Int\b/);

      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        postAuthorId.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const titles = actions.map((action) => action.title);
      const addIndex = actions.find((action) => /^Add @@index\(\[authorId\]\) to Post/.test(action.title));
      assert.ok(addIndex, `no "Add @@index([authorId]) to Post" among: ${titles.join(' | ')}`);
      assert.equal(addIndex.isPreferred, true, 'the safe fix is the preferred one');

      const fixed = waitForDiagnostics(uri, (all) => !warningFor(all, 'Post.authorId'), timeoutMs);
      if (addIndex.edit) assert.ok(await vscode.workspace.applyEdit(addIndex.edit), 'the edit applies');
      if (addIndex.command) {
        await vscode.commands.executeCommand(addIndex.command.command, ...(addIndex.command.arguments ?? []));
      }
      const after = await fixed;

      const post = modelLines(document.getText(), 'Post');
      assert.equal(post.filter((line) => line === '  @@index([authorId])').length, 1, 'model Post has the new index once');
      for (const field of missing.filter((name) => name !== 'Post.authorId')) {
        assert.ok(warningFor(after, field), `${field} is still reported`);
      }
      assert.ok(await document.save(), 'the schema saves');
    },
  },
  {
    name: 'Prisma Lens: Fix All Safe Problems in File adds every remaining index',
    async body() {
      const uri = schemaUri();
      const document = await openSchema();
      const remaining = findingsOfRule(vscode.languages.getDiagnostics(uri));
      assert.ok(remaining.length > 0, 'there is something left to fix');

      // Adding an index preserves meaning, so every fix of this rule is safe and fix-all applies it.
      const allFixed = waitForDiagnostics(uri, (all) => findingsOfRule(all).length === 0, timeoutMs);
      await vscode.commands.executeCommand('prismaLens.fixAllInFile');
      await allFixed;

      const text = document.getText();
      assert.ok(modelLines(text, 'User').includes('  @@index([invitedById])'));
      assert.ok(modelLines(text, 'Comment').includes('  @@index([authorId])'));
      assert.ok(modelLines(text, 'PostTag').includes('  @@index([tagId])'));
      assert.ok(modelLines(text, 'Subscription').includes('  @@index([authorId])'));
      assert.equal(text.match(/@@index\(\[authorId\]\)/g)?.length, 3, 'Post keeps exactly one index on authorId');
    },
  },
];
