/**
 * The Prisma Lens status-bar item: the server's indexing progress while it indexes the workspace,
 * then the number of Prisma Lens findings; a click opens the Problems view.
 */
import * as vscode from 'vscode';
import {
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  type FeatureState,
  type LanguageClient,
  type StaticFeature,
  type WorkDoneProgressBegin,
  type WorkDoneProgressReport,
} from 'vscode-languageclient/node';
import { DIAGNOSTIC_SOURCE } from '../../shared/protocol';

export const SHOW_FINDINGS_COMMAND = 'prismaLens.showFindings';

interface Indexing {
  title: string;
  message?: string;
  percentage?: number;
}

export class PrismaLensStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('prismaLens.status', vscode.StatusBarAlignment.Left, 10);
  private readonly disposables: vscode.Disposable[] = [];
  /** The progress the server reports on the tokens it created, by token. */
  private readonly indexing = new Map<string | number, Indexing>();
  private starting = true;

  constructor() {
    this.item.name = 'Prisma Lens';
    this.item.command = SHOW_FINDINGS_COMMAND;
    this.disposables.push(
      vscode.commands.registerCommand(SHOW_FINDINGS_COMMAND, () => vscode.commands.executeCommand('workbench.actions.view.problems')),
      vscode.languages.onDidChangeDiagnostics(() => this.render()),
    );
    this.render();
    this.item.show();
  }

  /**
   * A client feature that takes over the progress the server creates (the first indexing of the
   * workspace): the language client would show it as a window progress of its own, and this item
   * shows it instead. Registered after the client's own features, its handler replaces theirs.
   */
  progressFeature(client: LanguageClient): StaticFeature {
    return {
      getState: (): FeatureState => ({ kind: 'static' }),
      fillClientCapabilities: (capabilities) => {
        (capabilities.window ??= {}).workDoneProgress = true;
      },
      initialize: () => {
        client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
          const listener = client.onProgress(WorkDoneProgress.type, token, (value) => {
            if (value.kind === 'end') {
              listener.dispose();
              this.indexing.delete(token);
            } else {
              this.update(token, value);
            }
            this.render();
          });
        });
      },
      clear: () => {
        this.indexing.clear();
        this.render();
      },
    };
  }

  /** The server answers requests from now on (or, `false`, is starting again). */
  setRunning(running: boolean): void {
    this.starting = !running;
    if (!running) this.indexing.clear();
    this.render();
  }

  private update(token: string | number, value: WorkDoneProgressBegin | WorkDoneProgressReport): void {
    const previous = this.indexing.get(token);
    this.indexing.set(token, {
      title: value.kind === 'begin' ? value.title : (previous?.title ?? 'Prisma Lens'),
      message: value.message ?? previous?.message,
      percentage: value.percentage ?? previous?.percentage,
    });
  }

  private render(): void {
    const [progress] = this.indexing.values();
    if (progress) {
      const percentage = progress.percentage !== undefined && progress.percentage > 0 ? ` ${Math.round(progress.percentage)}%` : '';
      this.item.text = `$(sync~spin) Prisma Lens${percentage}`;
      this.item.tooltip = `${progress.message ?? progress.title}${percentage ? ` (${percentage.trim()})` : ''}`;
      this.item.accessibilityInformation = { label: `Prisma Lens: ${progress.message ?? progress.title}${percentage}` };
      return;
    }
    if (this.starting) {
      this.item.text = '$(sync~spin) Prisma Lens';
      this.item.tooltip = 'Prisma Lens: starting the language server';
      return;
    }
    const counts = countFindings();
    const total = counts.errors + counts.warnings + counts.others;
    this.item.text = total === 0 ? '$(check) Prisma Lens' : `$(${counts.errors > 0 ? 'error' : counts.warnings > 0 ? 'warning' : 'info'}) Prisma Lens: ${total}`;
    const parts = [plural(counts.errors, 'error'), plural(counts.warnings, 'warning'), plural(counts.others, 'other finding')].filter((part) => part !== '');
    const summary = total === 0 ? 'No Prisma Lens findings' : `Prisma Lens: ${parts.join(', ')}`;
    this.item.tooltip = `${summary}. Click to open the Problems view.`;
    this.item.accessibilityInformation = { label: summary };
  }

  dispose(): void {
    this.item.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function countFindings(): { errors: number; warnings: number; others: number } {
  const counts = { errors: 0, warnings: 0, others: 0 };
  for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
    for (const diagnostic of diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      // Hints are not listed in the Problems view, so they are not counted either.
      if (diagnostic.severity === vscode.DiagnosticSeverity.Error) counts.errors++;
      else if (diagnostic.severity === vscode.DiagnosticSeverity.Warning) counts.warnings++;
      else if (diagnostic.severity === vscode.DiagnosticSeverity.Information) counts.others++;
    }
  }
  return counts;
}

function plural(count: number, noun: string): string {
  return count === 0 ? '' : `${count} ${noun}${count === 1 ? '' : 's'}`;
}
