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
import { answeringRequest } from './activity';
import { toLeanDiagnostic } from './convert';
import { collectWhenIdle } from './idle-gc';
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
  // Fixes are left out of the diagnostics and found again when code actions are asked for.
  const diagnostics: Diagnostic[] = [];
  for (const finding of analysed.analysis.findings) if (finding.uri === uri) diagnostics.push(toLeanDiagnostic(finding, lines));
  for (const source of extraSources) diagnostics.push(...source.diagnostics(uri, analysed));
  return diagnostics;
}

/** Diagnostics of schema files that another feature computes (pending migrations), merged into each report of the file. */
export interface SchemaDiagnosticSource {
  /** Changes whenever the source's diagnostics for `uri` do. */
  key(uri: string): string;
  /** `analysed`: the schema's analysis, with the rules in force for it. */
  diagnostics(uri: string, analysed: AnalysedSchema): Diagnostic[];
}

const extraSources: SchemaDiagnosticSource[] = [];

export function addSchemaDiagnosticSource(source: SchemaDiagnosticSource): void {
  extraSources.push(source);
}

/** The last full report of a document: the analysed version, the result id given, and the diagnostics. */
interface LastReport {
  versionId: string;
  resultId: string;
  items: Diagnostic[];
}

/**
 * True when two lists hold the same diagnostics in the same order. Links follow from the code, and
 * so does `data` when it carries no fixes (`toLeanDiagnostic`); other `data` is compared as JSON.
 */
export function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (
      x.code !== y.code ||
      x.source !== y.source ||
      x.severity !== y.severity ||
      x.message !== y.message ||
      x.range.start.line !== y.range.start.line ||
      x.range.start.character !== y.range.start.character ||
      x.range.end.line !== y.range.end.line ||
      x.range.end.character !== y.range.end.character ||
      (carriesMoreThanRuleId(x) || carriesMoreThanRuleId(y) ? JSON.stringify(x.data) !== JSON.stringify(y.data) : false)
    ) {
      return false;
    }
  }
  return true;
}

function carriesMoreThanRuleId(diagnostic: Diagnostic): boolean {
  const data = diagnostic.data as { fixes?: unknown[] } | undefined;
  return data !== undefined && (data.fixes === undefined || data.fixes.length > 0);
}

export function isSchemaUri(uri: string): boolean {
  return /\.prisma$/i.test(uri.split('?')[0]!);
}

/**
 * Answers pulls; the result id is the analysed text's version key (kept while the diagnostics stay
 * the same), so an unchanged schema costs nothing.
 * Documents that are not schemas go to `otherDocuments` (the code files' diagnostics) when given.
 */
export function registerPullDiagnostics(
  connection: Connection,
  workspace: SchemaWorkspace,
  log: (message: string) => void,
  otherDocuments?: (uri: string, previousResultId: string | undefined, token: CancellationToken) => Promise<DocumentDiagnosticReport>,
): void {
  const lastReports = new Map<string, LastReport>();
  connection.languages.diagnostics.on((params, token: CancellationToken) => answeringRequest(() => pull(params, token)));
  async function pull(params: { textDocument: { uri: string }; previousResultId?: string }, token: CancellationToken): Promise<DocumentDiagnosticReport> {
    const uri = params.textDocument.uri;
    if (!isSchemaUri(uri)) return otherDocuments ? otherDocuments(uri, params.previousResultId, token) : { kind: DocumentDiagnosticReportKind.Full, items: [] };
    try {
      const analysed = await workspace.analyse(uri, () => token.isCancellationRequested);
      if (!analysed) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      const versionId = `${analysed.versionKey}#${analysed.skipped.size}#${extraSources.map((source) => source.key(uri)).join(',')}`;
      let report = lastReports.get(uri);
      if (report?.versionId !== versionId) {
        for (const error of analysed.analysis.errors) log(`rule failed: ${error}`);
        const items = diagnosticsFor(uri, analysed);
        // An edit that changes no diagnostic (a comment, a field no rule looks at) keeps the result id,
        // so that the client's next pull with that id is answered `unchanged`.
        const resultId = report && sameDiagnostics(report.items, items) ? report.resultId : versionId;
        report = { versionId, resultId, items };
        lastReports.set(uri, report);
        collectWhenIdle();
      }
      if (params.previousResultId === report.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: report.resultId };
      return { kind: DocumentDiagnosticReportKind.Full, resultId: report.resultId, items: report.items };
    } catch (error) {
      log(`diagnostics for ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    }
  }
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
