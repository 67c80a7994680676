/** Hover over a Prisma call in a TypeScript/JavaScript file: the SQL statements Prisma runs for it. */
import { fileURLToPath } from 'node:url';
import type { Connection, Hover, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { compileCall, prepareCompiler, querySiteAt } from '../explain/sql';
import { sqlMarkdown } from '../explain/sql-markdown';
import { schemaFilesForCodeFile } from '../explain/sql-schema';

const CODE_LANGUAGES = /\.(?:[cm]?[jt]sx?)$/i;
/** Files larger than this are not parsed on hover: a generated bundle, not code someone edits. */
const MAX_HOVER_FILE_CHARS = 2 * 1024 * 1024;

/** After a code file opens, the compiler for its schema loads in the background (about 35 MB, a few hundred ms once). */
const PREPARE_DELAY_MS = 1_000;

export function registerHover(connection: Connection, documents: TextDocuments<TextDocument>, workspaceFolders: () => readonly string[], log: (message: string) => void): void {
  let prepared = false;
  documents.onDidOpen((event) => {
    const uri = event.document.uri;
    if (prepared || !uri.startsWith('file:') || !CODE_LANGUAGES.test(uri) || !/\bprisma\b|\$queryRaw|\$executeRaw/i.test(event.document.getText())) return;
    prepared = true;
    // Later than the first diagnostics, which matter more right after opening.
    setTimeout(() => {
      void schemaFilesForCodeFile(fileURLToPath(uri), workspaceFolders(), (schemaUri) => documents.get(schemaUri)?.getText())
        .then((schemaFiles) => prepareCompiler(schemaFiles))
        .catch((error: unknown) => log(`query compiler not prepared: ${error instanceof Error ? error.message : String(error)}`));
    }, PREPARE_DELAY_MS).unref();
  });

  connection.onHover(async (params): Promise<Hover | null> => {
    const document = documents.get(params.textDocument.uri);
    if (!document || !params.textDocument.uri.startsWith('file:') || !CODE_LANGUAGES.test(params.textDocument.uri)) return null;
    const text = document.getText();
    if (text.length > MAX_HOVER_FILE_CHARS) return null;
    try {
      const offset = document.offsetAt(params.position);
      const schemaFiles = await schemaFilesForCodeFile(fileURLToPath(document.uri), workspaceFolders(), (uri) => documents.get(uri)?.getText());
      const site = querySiteAt({ uri: document.uri, text }, offset, schemaFiles);
      // Only the callee (`prisma.post.findMany`) answers, so hovering a value inside the arguments keeps TypeScript's hover.
      if (!site || offset < site.span.start || offset > site.span.end) return null;
      const result = await compileCall(site, schemaFiles);
      return {
        contents: { kind: 'markdown', value: sqlMarkdown(result) },
        range: { start: document.positionAt(site.span.start), end: document.positionAt(site.span.end) },
      };
    } catch (error) {
      log(`hover failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return null;
    }
  });
}
