/** Activates Prisma Lens: starts the language server and registers the client-side commands. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { FIX_ALL_COMMAND, OFFICIAL_PRISMA_EXTENSION_NOTIFICATION, SHOW_RULE_DOCS_COMMAND } from './protocol';
import { registerExplain } from './explain';
import { registerMigrationCommands } from './migrations';
import { PrismaLensStatus } from './status';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // The `when` clauses of the commands, menus and keybinding (package.json) offer them once this is set.
  void vscode.commands.executeCommand('setContext', 'prismaLens.active', true);
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const languages = ['prisma', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...languages.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      // Prisma migrations: checked by the migration SQL rules.
      { scheme: 'file', language: 'sql', pattern: '**/migrations/**/*.sql' },
      { scheme: 'file', language: 'sql', pattern: '**/migration.sql' },
    ],
    initializationOptions: {
      debounceMs: vscode.workspace.getConfiguration('prismaLens').get<number>('diagnostics.debounceMs', 150),
      // Rule levels (`prismaLens.rules.<id>`) and the kinds of files code rules run on too (`prismaLens.codeRulesIn.<kind>`),
      // a project's .prismalens.json winning over both; and when to report Prisma's own schema errors.
      settings: {
        rules: vscode.workspace.getConfiguration('prismaLens').get('rules'),
        codeRulesIn: vscode.workspace.getConfiguration('prismaLens').get('codeRulesIn'),
        schemaErrors: vscode.workspace.getConfiguration('prismaLens').get('schemaErrors'),
      },
      officialPrismaExtension: officialPrismaExtensionPresent(),
    },
    // Sends `workspace/didChangeConfiguration` with the `prismaLens` settings whenever they change.
    synchronize: { configurationSection: 'prismaLens' },
    outputChannelName: 'Prisma Lens',
  };
  client = new LanguageClient('prismaLens', 'Prisma Lens', serverOptions, clientOptions);
  const status = new PrismaLensStatus();
  client.registerFeature(status.progressFeature(client));
  context.subscriptions.push(
    status,
    client.onDidChangeState(({ newState }) => status.setRunning(newState === State.Running)),
  );

  context.subscriptions.push(
    vscode.commands.registerCommand('prismaLens.fixAllInFile', async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target || !client) return;
      await client.sendRequest('workspace/executeCommand', { command: FIX_ALL_COMMAND, arguments: [target.toString()] });
    }),
    vscode.commands.registerCommand(SHOW_RULE_DOCS_COMMAND, async (ruleId?: string) => {
      const id = ruleId ?? (await pickRule(context));
      if (!id) return;
      const docs = vscode.Uri.file(context.asAbsolutePath(path.join('docs', 'rules', `${id}.md`)));
      await vscode.commands.executeCommand('markdown.showPreview', docs);
    }),
    vscode.commands.registerCommand('prismaLens.restartServer', async () => {
      await client?.restart();
    }),
  );
  registerExplain(context, client);
  registerMigrationCommands(context, client);
  await client.start();

  // `prismaLens.schemaErrors: auto` leaves Prisma's own errors to the official extension while it is there.
  let officialPresent = officialPrismaExtensionPresent();
  context.subscriptions.push(
    vscode.extensions.onDidChange(() => {
      const present = officialPrismaExtensionPresent();
      if (present === officialPresent) return;
      officialPresent = present;
      void client?.sendNotification(OFFICIAL_PRISMA_EXTENSION_NOTIFICATION, { present });
    }),
  );
}

/**
 * Whether the official Prisma extension is installed and enabled. It activates on the same Prisma
 * files as this one, so being enabled is what counts: asking whether it is active already would race
 * with its activation.
 */
function officialPrismaExtensionPresent(): boolean {
  return ['Prisma.prisma', 'Prisma.prisma-insider'].some((id) => vscode.extensions.getExtension(id) !== undefined);
}

async function pickRule(context: vscode.ExtensionContext): Promise<string | undefined> {
  const folder = vscode.Uri.file(context.asAbsolutePath(path.join('docs', 'rules')));
  const entries = await vscode.workspace.fs.readDirectory(folder);
  const ids = entries.map(([name]) => name).filter((name) => name.endsWith('.md')).map((name) => name.slice(0, -3));
  return vscode.window.showQuickPick(ids, { placeHolder: 'Rule' });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
