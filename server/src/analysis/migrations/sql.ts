/** PostgreSQL statements of a migration script, parsed by libpg-query, with UTF-16 spans into the script's text. */
import type * as PgParser from 'libpg-query';
import type { Span } from '../text';

/** One libpg-query parse-tree node: `{ NodeType: { …fields } }`. */
export type PgNode = Record<string, unknown>;

export interface SqlStatement {
  /** Position among the script's statements, from 0. */
  index: number;
  /** From the statement's first keyword to its end, the semicolon excluded; UTF-16 offsets into the script. */
  span: Span;
  /** The statement's node type (`AlterTableStmt`, `IndexStmt`…) and its fields; undefined when it did not parse. */
  kind?: string;
  node?: PgNode;
  /** Converts a byte `location` found inside `node` into a UTF-16 offset into the script. */
  offsetOf(location: unknown): number;
}

export interface SqlParseError {
  span: Span;
  message: string;
}

export interface ParsedScript {
  statements: SqlStatement[];
  errors: SqlParseError[];
}

let loaded: Promise<void> | undefined;
let ready = false;
let pgParser: typeof PgParser | undefined;

/**
 * Loads the parser's WebAssembly module once; analysis functions need it done and stay synchronous.
 * The package is required here, not imported: it starts compiling its 1.7 MB module as soon as it
 * loads, which a run without SQL (a check of schemas or code alone) never needs.
 */
export function loadSqlParser(): Promise<void> {
  loaded ??= (pgParser = require('libpg-query') as typeof PgParser).loadModule().then(() => {
    ready = true;
  });
  return loaded;
}

export function isSqlParserLoaded(): boolean {
  return ready;
}

/**
 * Parses a script. A statement that does not parse (half-typed, or another dialect) becomes an
 * error with its span, and the statements around it are still parsed, so one typo never hides the
 * findings of the rest of the file. Never throws.
 */
export function parseScript(text: string): ParsedScript {
  if (!ready) return { statements: [], errors: [{ span: { start: 0, end: 0 }, message: 'the PostgreSQL parser is not loaded yet' }] };
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return { statements: [], errors: [{ span: { start: nul, end: nul + 1 }, message: 'the file contains NUL characters: it is not a SQL script' }] };
  const whole = tryParse(text);
  if (whole.result) return { statements: statementsOf(whole.result, text, 0, new ByteOffsets(text), 0), errors: [] };
  // Parse statement by statement so that only the broken one is lost.
  const statements: SqlStatement[] = [];
  const errors: SqlParseError[] = [];
  for (const chunk of splitStatements(text)) {
    const chunkText = text.slice(chunk.start, chunk.end);
    const parsed = tryParse(chunkText);
    if (parsed.result) {
      statements.push(...statementsOf(parsed.result, chunkText, chunk.start, new ByteOffsets(chunkText), statements.length));
    } else {
      const bytes = new ByteOffsets(chunkText);
      const at = parsed.cursor !== undefined ? chunk.start + bytes.toUtf16(parsed.cursor - 1) : chunk.start;
      const span = lineSpanAt(text, Math.min(Math.max(at, chunk.start), chunk.end), chunk.end);
      errors.push({ span, message: parsed.error });
      statements.push({ index: statements.length, span: { start: chunk.start, end: chunk.end }, offsetOf: () => chunk.start });
    }
  }
  return { statements, errors };
}

function tryParse(text: string): { result?: { stmts?: { stmt?: PgNode; stmt_location?: number; stmt_len?: number }[] }; error: string; cursor?: number } {
  try {
    return { result: pgParser!.parseSync(text) as never, error: '' };
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    return { error: error instanceof Error ? error.message : String(error), cursor: details?.cursorPosition };
  }
}

function statementsOf(
  result: { stmts?: { stmt?: PgNode; stmt_location?: number; stmt_len?: number }[] },
  text: string,
  base: number,
  bytes: ByteOffsets,
  firstIndex: number,
): SqlStatement[] {
  const statements: SqlStatement[] = [];
  for (const raw of result.stmts ?? []) {
    const byteStart = raw.stmt_location ?? 0;
    const byteEnd = raw.stmt_len ? byteStart + raw.stmt_len : bytes.byteLength;
    const start = skipTrivia(text, bytes.toUtf16(byteStart));
    const end = trimEnd(text, start, bytes.toUtf16(byteEnd));
    const kind = raw.stmt ? Object.keys(raw.stmt)[0] : undefined;
    statements.push({
      index: firstIndex + statements.length,
      span: { start: base + start, end: base + end },
      kind,
      node: kind ? (raw.stmt![kind] as PgNode) : undefined,
      offsetOf: (location) => base + (typeof location === 'number' && location >= 0 ? bytes.toUtf16(location) : start),
    });
  }
  return statements;
}

/** Maps UTF-8 byte offsets (what libpg-query reports) to UTF-16 offsets (what editors count). */
export class ByteOffsets {
  readonly byteLength: number;
  private readonly table: Int32Array | undefined;

  constructor(text: string) {
    this.byteLength = Buffer.byteLength(text, 'utf8');
    if (this.byteLength === text.length) {
      this.table = undefined; // ASCII: bytes and UTF-16 units coincide.
      return;
    }
    const table = new Int32Array(this.byteLength + 1);
    let byte = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.codePointAt(i)!;
      const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
      for (let k = 0; k < size; k++) table[byte + k] = i;
      byte += size;
      if (code >= 0x10000) i++; // A surrogate pair is one code point.
    }
    table[byte] = text.length;
    this.table = table;
  }

  toUtf16(byteOffset: number): number {
    const clamped = Math.max(0, Math.min(byteOffset, this.byteLength));
    return this.table ? this.table[clamped]! : clamped;
  }
}

/**
 * Splits a script at the semicolons that end statements, skipping those inside quotes,
 * dollar-quoted bodies and comments; used only when the whole script does not parse.
 */
export function splitStatements(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const from = skipTrivia(text, start);
    const to = trimEnd(text, from, end);
    if (to > from) spans.push({ start: from, end: to });
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '-' && text[i + 1] === '-') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      i = skipBlockComment(text, i);
    } else if (c === "'" || c === '"') {
      i = skipQuoted(text, i, c);
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.exec(text.slice(i, i + 64))?.[0];
      if (tag && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
        const close = text.indexOf(tag, i + tag.length);
        i = close < 0 ? text.length : close + tag.length;
      } else i++;
    } else if (c === ';') {
      push(i);
      start = i + 1;
      i++;
    } else i++;
  }
  push(text.length);
  return spans;
}

function skipQuoted(text: string, at: number, quote: string): number {
  let i = at + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else if (text[i] === '\\' && quote === "'") i += 2;
    else i++;
  }
  return text.length;
}

function skipBlockComment(text: string, at: number): number {
  let depth = 0;
  let i = at;
  while (i < text.length) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return text.length;
}

/** The first offset from `at` that is not whitespace or a comment. */
export function skipTrivia(text: string, at: number): number {
  let i = at;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('--', i)) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
    } else if (text.startsWith('/*', i)) i = skipBlockComment(text, i);
    else return i;
  }
}

function trimEnd(text: string, start: number, end: number): number {
  let to = end;
  while (to > start && /[\s;]/.test(text[to - 1]!)) to--;
  return to;
}

/** From `at` to the end of its line (or `limit`), never empty when there is text to show. */
export function lineSpanAt(text: string, at: number, limit = text.length): Span {
  const eol = text.indexOf('\n', at);
  let end = Math.min(eol < 0 ? text.length : eol, limit);
  while (end > at && /[\s\r]/.test(text[end - 1]!)) end--;
  if (end === at && at < limit) end = Math.min(at + 1, limit);
  return { start: at, end };
}

/** From `at` to the first comma outside parentheses and quotes, a comment, or the end of the line. */
export function clauseSpanAt(text: string, at: number, limit = text.length): Span {
  const line = lineSpanAt(text, at, limit);
  const upTo = (i: number): Span => {
    let end = i;
    while (end > at && /\s/.test(text[end - 1]!)) end--;
    return end > at ? { start: at, end } : line;
  };
  let depth = 0;
  let quote: string | undefined;
  for (let i = at; i < line.end; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) return upTo(i);
    else if ((c === '-' && text[i + 1] === '-') || (c === '/' && text[i + 1] === '*')) return upTo(i);
  }
  return line;
}

/**
 * The text with every comment (`-- …`, nested `/* … *\/`) replaced by spaces, line breaks kept, so
 * that offsets still match; quotes and dollar-quoted bodies are left as they are.
 */
export function blankComments(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  const blank = (end: number) => {
    out += text.slice(copied, i) + text.slice(i, end).replace(/[^\n]/g, ' ');
    copied = i = end;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '-' && text[i + 1] === '-') {
      const eol = text.indexOf('\n', i);
      blank(eol < 0 ? text.length : eol);
    } else if (c === '/' && text[i + 1] === '*') blank(skipBlockComment(text, i));
    else if (c === "'" || c === '"') i = skipQuoted(text, i, c);
    else if (c === '$') {
      const tag = /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.exec(text.slice(i, i + 64))?.[0];
      if (tag && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
        const close = text.indexOf(tag, i + tag.length);
        i = close < 0 ? text.length : close + tag.length;
      } else i++;
    } else i++;
  }
  return out + text.slice(copied);
}
