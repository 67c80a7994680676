/**
 * The server's view of the schemas it analyses: which files form a schema, their current text
 * (open documents win over disk), and the last analysis per schema, keyed by the files' versions.
 */
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SchemaAnalysis } from '../analysis/analyze';
import type { WorkspaceFacts } from '../analysis/facts/workspace-facts';
import { ModelFindingsCache } from '../analysis/model-findings-cache';
import { buildSchema } from '../analysis/schema/build';
import type { PrismaSchema, SchemaFile } from '../analysis/schema/model';
import { LineIndex } from '../analysis/text';
import { forgetSchemaSets, schemaSetForFile } from './discovery';
import type { ProjectHost, RulesInForce } from './project-host';
import type { SchemaValidationLookup } from './schema-validations';

/** Files larger than this are not analysed: a schema is never that big, junk often is. */
export const MAX_SCHEMA_FILE_BYTES = 5 * 1024 * 1024;

export interface OpenDocument {
  uri: string;
  version: number;
  text: string;
}

export interface AnalysedSchema {
  /** Identifies the schema (its folder or file) across edits. */
  schemaKey: string;
  /** Identifies the exact text analysed: changes whenever any file of the schema changes. */
  versionKey: string;
  analysis: SchemaAnalysis;
  lineIndexes: ReadonlyMap<string, LineIndex>;
  /** Files left out, with the reason, shown to the user on the file itself. */
  skipped: ReadonlyMap<string, string>;
  /** The rules in force for the schema. */
  ran: RulesInForce;
}

interface DiskText {
  mtimeMs: number;
  text: string | undefined;
  skipReason?: string;
}

export class SchemaWorkspace {
  private readonly setByFile = new Map<string, Promise<{ key: string; uris: string[] }>>();
  private readonly diskTexts = new Map<string, DiskText>();
  private readonly analyses = new Map<string, AnalysedSchema>();
  /** Per schema: the per-model rules' findings, reused for the models an edit did not touch. */
  private readonly modelFindings = new Map<string, ModelFindingsCache>();
  /** The last text of each open schema file checked for junk, with what was found. */
  private readonly checkedOpenTexts = new Map<string, { text: string; reason: string | undefined }>();
  private facts: { of: (schema: PrismaSchema, key: string) => Partial<WorkspaceFacts>; signature: () => string } | undefined;
  private validationOf: ((schemaKey: string, files: readonly SchemaFile[]) => SchemaValidationLookup | undefined) | undefined;

  constructor(
    private readonly workspaceFolders: () => string[],
    private readonly openDocument: (uri: string) => OpenDocument | undefined,
    private readonly host: ProjectHost,
  ) {}

  /** Where rules that read the workspace's queries (`unused-index`) get them; asked only when such a rule runs. */
  useFacts(of: (schema: PrismaSchema, key: string) => Partial<WorkspaceFacts>, signature: () => string): void {
    this.facts = { of, signature };
  }

  /**
   * Where `schema-error` gets Prisma's validation of a schema: asked on every analysis while the
   * rule runs, it must answer at once (from a cache; undefined when it has nothing to say).
   */
  useValidations(of: (schemaKey: string, files: readonly SchemaFile[]) => SchemaValidationLookup | undefined): void {
    this.validationOf = of;
  }

  /** Forgets what is known about files on disk, after the client reports created, changed or deleted files. */
  invalidateDisk(uris: readonly string[] = []): void {
    this.setByFile.clear();
    forgetSchemaSets();
    if (uris.length === 0) this.diskTexts.clear();
    for (const uri of uris) this.diskTexts.delete(uri);
  }

  /** The schema a file belongs to: the files Prisma would read together with it. */
  async schemaOf(uri: string): Promise<{ key: string; uris: string[] }> {
    let pending = this.setByFile.get(uri);
    if (!pending) {
      pending = this.resolveSchema(uri);
      this.setByFile.set(uri, pending);
    }
    return pending;
  }

  private async resolveSchema(uri: string): Promise<{ key: string; uris: string[] }> {
    if (!uri.startsWith('file:')) return { key: uri, uris: [uri] };
    try {
      const set = await schemaSetForFile(fileURLToPath(uri), this.workspaceFolders());
      if (set && set.files.length > 0) {
        const uris = set.files.map((file) => pathToFileURL(file).toString());
        if (uris.includes(uri)) return { key: pathToFileURL(set.schemaPath).toString(), uris };
      }
    } catch {
      // Discovery problems (permissions, races with deletes) fall back to the file on its own.
    }
    return { key: uri, uris: [uri] };
  }

  /** Analyses the schema that `uri` belongs to, reusing the previous result when nothing changed. */
  async analyse(uri: string, isCancelled?: () => boolean): Promise<AnalysedSchema | undefined> {
    const schema = await this.schemaOf(uri);
    const files: SchemaFile[] = [];
    const skipped = new Map<string, string>();
    for (const member of schema.uris) {
      const file = await this.currentFile(member);
      if (isCancelled?.()) return undefined;
      if ('skipReason' in file) skipped.set(member, file.skipReason);
      else files.push(file);
    }
    // The rules in force for the schema: settings and the .prismalens.json nearest to its first file.
    const ran = await this.host.rulesFor(schema.uris[0] ?? uri);
    // Skipped files take part by their reason: two junk versions with one reason show the same message.
    const wantsFacts = this.facts !== undefined && this.host.wants(ran, 'queries');
    // Prisma's validation of a schema with a file left out would report every reference into that file.
    const wantsValidation = this.validationOf !== undefined && skipped.size === 0 && this.host.wants(ran, 'validation');
    const validation = wantsValidation ? this.validationOf!(schema.key, files) : undefined;
    const versionKey = [
      ...files.map((file) => `${file.uri}@${file.version}`),
      ...[...skipped].map(([member, reason]) => `${member}!${reason}`),
      `rules:${ran.key}`,
      ...(wantsFacts ? [`code:${this.facts!.signature()}`] : []),
      ...(validation ? [`prisma:${validation.key}`] : []),
    ].join('|');
    const previous = this.analyses.get(schema.key);
    if (previous && previous.versionKey === versionKey) return previous;
    const schemaModel = buildSchema(files);
    const facts = wantsFacts || validation ? { ...(wantsFacts ? this.facts!.of(schemaModel, versionKey) : {}), prismaValidation: validation?.errors } : undefined;
    let modelFindings = this.modelFindings.get(schema.key);
    if (!modelFindings) this.modelFindings.set(schema.key, (modelFindings = new ModelFindingsCache()));
    const lineIndexes = new Map<string, LineIndex>();
    // Each file's index is derived from the previous one: only the edited lines are scanned again.
    for (const file of files) lineIndexes.set(file.uri, LineIndex.forEditedText(previous?.lineIndexes.get(file.uri), file.text));
    const found = this.host.schemaFindings(schemaModel, files.map((file) => ({ uri: file.uri, text: file.text, lines: lineIndexes.get(file.uri) })), ran, { facts, modelFindings, isCancelled });
    if (!found || isCancelled?.()) return undefined;
    const analysis: SchemaAnalysis = { schema: schemaModel, ...found };
    const result: AnalysedSchema = { schemaKey: schema.key, versionKey, analysis, lineIndexes, skipped, ran };
    this.analyses.set(schema.key, result);
    return result;
  }

  private async currentFile(uri: string): Promise<SchemaFile | { skipReason: string }> {
    const open = this.openDocument(uri);
    if (open) {
      // Looked for once per text: an open document is asked for on every pull.
      const checked = this.checkedOpenTexts.get(uri);
      const reason = checked?.text === open.text ? checked.reason : unreadableReason(open.text, open.text.length);
      this.checkedOpenTexts.set(uri, { text: open.text, reason });
      return reason ? { skipReason: reason } : { uri, text: open.text, version: open.version };
    }
    const disk = await this.readDisk(uri);
    if (disk.text === undefined) return { skipReason: disk.skipReason ?? 'the file could not be read' };
    return { uri, text: disk.text, version: -Math.round(disk.mtimeMs) };
  }

  private async readDisk(uri: string): Promise<DiskText> {
    const path = fileURLToPath(uri);
    try {
      const info = await stat(path);
      const cached = this.diskTexts.get(uri);
      if (cached && cached.mtimeMs === info.mtimeMs) return cached;
      let entry: DiskText;
      if (info.size > MAX_SCHEMA_FILE_BYTES) {
        entry = { mtimeMs: info.mtimeMs, text: undefined, skipReason: tooLargeMessage(info.size) };
      } else {
        const text = await readFile(path, 'utf8');
        const reason = unreadableReason(text, info.size);
        entry = reason ? { mtimeMs: info.mtimeMs, text: undefined, skipReason: reason } : { mtimeMs: info.mtimeMs, text };
      }
      this.diskTexts.set(uri, entry);
      return entry;
    } catch (error) {
      return { mtimeMs: 0, text: undefined, skipReason: `the file could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
}

function unreadableReason(text: string, size: number): string | undefined {
  if (size > MAX_SCHEMA_FILE_BYTES) return tooLargeMessage(size);
  if (text.includes('\u0000')) return 'the file contains binary data (NUL bytes), so it is not analysed';
  return undefined;
}

function tooLargeMessage(size: number): string {
  return `the file is ${(size / 1024 / 1024).toFixed(1)} MB, over the 5 MB that Prisma Lens analyses`;
}
