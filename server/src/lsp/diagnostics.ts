/** Serves diagnostics: LSP 3.17 pull (`textDocument/diagnostic`) when the client offers it, debounced push otherwise. */
import {
  DiagnosticSeverity,
  DocumentDiagnosticReportKind,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import type { AnalysedSchema, SchemaWorkspace } from '../workspace/documents';
import { toDiagnostic } from './convert';
import { DIAGNOSTIC_SOURCE } from './protocol';

export function diagnosticsFor(uri: string, analysed: AnalysedSchema): Diagnostic[] {
  const skipped = analysed.skipped.get(uri);
  if (skipped) {
    return [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Information,
        source: DIAGNOSTIC_SOURCE,
        message: `Prisma Lens does not analyse this file: ${skipped}.`,
      },
    ];
  }
  const lines = analysed.lineIndexes.get(uri);
  if (!lines) return [];
  const lineIndexFor = (other: string) => analysed.lineIndexes.get(other);
  return analysed.analysis.findings.filter((finding) => finding.uri === uri).map((finding) => toDiagnostic(finding, lines, lineIndexFor));
}

export function isSchemaUri(uri: string): boolean {
  return /\.prisma$/i.test(uri.split('?')[0]!);
}

/** Answers pulls; the result id is the analysed text's version key, so an unchanged schema costs nothing. */
export function registerPullDiagnostics(connection: Connection, workspace: SchemaWorkspace, log: (message: string) => void): void {
  connection.languages.diagnostics.on(async (params, token: CancellationToken): Promise<DocumentDiagnosticReport> => {
    const uri = params.textDocument.uri;
    if (!isSchemaUri(uri)) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    try {
      const analysed = await workspace.analyse(uri, () => token.isCancellationRequested);
      if (!analysed) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      const resultId = `${analysed.versionKey}#${analysed.skipped.size}`;
      if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
      for (const error of analysed.analysis.errors) log(`rule failed: ${error}`);
      return { kind: DocumentDiagnosticReportKind.Full, resultId, items: diagnosticsFor(uri, analysed) };
    } catch (error) {
      log(`diagnostics for ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    }
  });
}

/**
 * For clients without pull diagnostics: publishes the schema's diagnostics after a quiet period,
 * dropping the run if a newer edit arrived meanwhile, and tags them with the document version.
 */
export class PushDiagnostics {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly generation = new Map<string, number>();

  constructor(
    private readonly connection: Connection,
    private readonly workspace: SchemaWorkspace,
    private readonly versionOf: (uri: string) => number | undefined,
    private readonly debounceMs: () => number,
    private readonly log: (message: string) => void,
  ) {}

  schedule(uri: string): void {
    if (!isSchemaUri(uri)) return;
    clearTimeout(this.timers.get(uri));
    const generation = (this.generation.get(uri) ?? 0) + 1;
    this.generation.set(uri, generation);
    this.timers.set(uri, setTimeout(() => void this.publish(uri, generation), this.debounceMs()));
  }

  private async publish(uri: string, generation: number): Promise<void> {
    const stale = () => this.generation.get(uri) !== generation;
    try {
      const analysed = await this.workspace.analyse(uri, stale);
      if (!analysed || stale()) return;
      const schema = await this.workspace.schemaOf(uri);
      for (const member of schema.uris) {
        await this.connection.sendDiagnostics({ uri: member, version: this.versionOf(member), diagnostics: diagnosticsFor(member, analysed) });
      }
    } catch (error) {
      this.log(`diagnostics for ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  clear(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }
}
