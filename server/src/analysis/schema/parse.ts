/**
 * Parses one top-level block with @mrleebo/prisma-ast, recovering from syntax errors line by line,
 * and caches recent results by block text.
 */
import type { Block, getSchema } from '@mrleebo/prisma-ast';

type PrismaAst = typeof import('@mrleebo/prisma-ast');

let blockParser: { parse: typeof getSchema; options: Parameters<typeof getSchema>[1] } | undefined;

/**
 * The parser and its visitor, built on the first block: loading the package and building its
 * grammar take tens of milliseconds that a run without a schema (a CLI check of migrations) skips.
 */
function parserForBlocks(): NonNullable<typeof blockParser> {
  if (!blockParser) {
    const { getSchema, PrismaParser, VisitorClassFactory } = require('@mrleebo/prisma-ast') as PrismaAst;
    const parser = new PrismaParser({ nodeLocationTracking: 'full' });
    const Visitor = VisitorClassFactory(parser);
    blockParser = { parse: getSchema, options: { parser, visitor: new Visitor() } };
  }
  return blockParser;
}

export interface ParsedBlock {
  /** The block's syntax tree; offsets in its locations are relative to the block's start. */
  ast: Block | undefined;
  /** Lines (relative offsets of their starts) that had to be dropped to parse the rest. */
  droppedLines: number[];
  /** The first parser error, in the parser's words, when there was one. */
  error: string | undefined;
}

const MAX_RECOVERY_ATTEMPTS = 25;
/**
 * Blocks merely moved by an edit are not parsed again at all (see build.ts), so this cache only
 * serves blocks whose text comes back, as after an undo: a few hundred recent blocks are enough,
 * and syntax trees of a whole large schema kept alive would only slow down garbage collection.
 */
const CACHE_LIMIT = 512;
const cache = new Map<string, ParsedBlock>();

/**
 * Parses `blockText` (a single block, possibly missing its closing brace). Never throws.
 * Results are shared between callers and must not be mutated.
 */
export function parseBlock(blockText: string, terminated: boolean): ParsedBlock {
  const key = terminated ? blockText : `${blockText}\u0000`;
  const cached = cache.get(key);
  if (cached) {
    // Least recently used first: a hit moves the block to the end.
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const prepared = prepareForParser(blockText);
  const parsed = parseWithRecovery(terminated ? prepared : `${prepared}\n}`);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, parsed);
  return parsed;
}

/**
 * Stands for the `.` of a path into a composite type (`@@index([address.city])`) in the text given
 * to the parser, which reads no such path; the reader turns it back (`indexFieldName`). A dash is
 * one of the parser's identifier characters and never part of a Prisma name.
 */
export const PATH_SEPARATOR_IN_TREE = '-';

const SLASH = 47;
const STAR = 42;
const QUOTE = 34;
const BACKSLASH = 92;
const DOT = 46;
const AT = 64;
const LINE_FEED = 10;

/**
 * The block's text as the parser can read it, with every offset of a token kept: block comments
 * (`/* … *\/`, which Prisma allows anywhere and the parser does not know) are blanked, line breaks
 * kept; the dots of paths into composite types become `PATH_SEPARATOR_IN_TREE`; and white space or
 * a comment after the header's brace, which the parser does not expect there, is moved to the
 * start of the next line as white space. Strings and other `//` comments are left as they are.
 */
export function prepareForParser(text: string): string {
  return withBareHeaderLine(text.includes('/*') || hasPathDot(text) ? blankCommentsAndPathDots(text) : text);
}

/** `model A {  // …` as `model A {` and a line that starts with as many spaces. */
function withBareHeaderLine(text: string): string {
  const brace = text.indexOf('{');
  const lineEnd = brace < 0 ? -1 : text.indexOf('\n', brace);
  if (lineEnd < 0 || lineEnd === brace + 1) return text;
  const rest = text.slice(brace + 1, lineEnd);
  if (rest === '\r' || !/^[ \t]*(\/\/.*)?\r?$/.test(rest)) return text;
  return `${text.slice(0, brace + 1)}\n${' '.repeat(rest.length)}${text.slice(lineEnd + 1)}`;
}

function blankCommentsAndPathDots(text: string): string {
  let result = '';
  let copiedTo = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== QUOTE && text.charCodeAt(i) !== LINE_FEED) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1;
    } else if (code === SLASH && text.charCodeAt(i + 1) === SLASH) {
      while (i < text.length && text.charCodeAt(i) !== LINE_FEED) i++;
    } else if (code === SLASH && text.charCodeAt(i + 1) === STAR) {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? text.length : close + 2;
      result += text.slice(copiedTo, i) + text.slice(i, end).replace(/[^\r\n]/g, ' ');
      copiedTo = end;
      i = end - 1;
    } else if (code === DOT && isPathDot(text, i)) {
      result += text.slice(copiedTo, i) + PATH_SEPARATOR_IN_TREE;
      copiedTo = i + 1;
    }
  }
  return result + text.slice(copiedTo);
}

/** Whether some dot in `text` may join the names of a path: the quick test before the full pass. */
function hasPathDot(text: string): boolean {
  for (let dot = text.indexOf('.'); dot >= 0; dot = text.indexOf('.', dot + 1)) if (isPathDot(text, dot)) return true;
  return false;
}

/**
 * Whether the dot at `at` joins two names of a path (`address.city`), as opposed to a native type
 * (`@db.VarChar`), a number (`1.5`) or a dot in a string or comment (which `prepareForParser` skips).
 */
function isPathDot(text: string, at: number): boolean {
  if (!isLetter(text.charCodeAt(at + 1))) return false;
  let start = at;
  while (start > 0 && isPathCharacter(text.charCodeAt(start - 1))) start--;
  return start < at && isLetter(text.charCodeAt(start)) && text.charCodeAt(start - 1) !== AT;
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Letters, digits, `_`, and the dot or its stand-in of a path already rewritten. */
function isPathCharacter(code: number): boolean {
  return isLetter(code) || (code >= 48 && code <= 57) || code === 95 || code === DOT || code === PATH_SEPARATOR_IN_TREE.charCodeAt(0);
}

function parseWithRecovery(text: string): ParsedBlock {
  const droppedLines: number[] = [];
  let firstError: string | undefined;
  let current = text;
  for (let attempt = 0; attempt < MAX_RECOVERY_ATTEMPTS; attempt++) {
    try {
      const { parse, options } = parserForBlocks();
      const schema = parse(current, options);
      const ast = schema.list.find((item) => item.type !== 'comment' && item.type !== 'break');
      return { ast, droppedLines, error: firstError };
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      firstError ??= message;
      const lineStart = offendingLineStart(current, error);
      if (lineStart === undefined) break;
      const lineEnd = nextLineBreak(current, lineStart);
      // The header and the closing brace cannot be dropped without losing the block itself.
      if (lineStart === 0 || lineEnd >= current.length) break;
      current = current.slice(0, lineStart) + ' '.repeat(lineEnd - lineStart) + current.slice(lineEnd);
      droppedLines.push(lineStart);
    }
  }
  return { ast: undefined, droppedLines, error: firstError ?? 'unparsable block' };
}

function offendingLineStart(text: string, error: unknown): number | undefined {
  const token = (error as { token?: { startOffset?: number } }).token;
  const offset = token?.startOffset;
  if (typeof offset !== 'number' || Number.isNaN(offset)) return undefined;
  // A line break token reports the error on the line it ends, which is the line to drop.
  let start = Math.min(offset, text.length);
  if (text[start] === '\n' && start > 0) start--;
  return text.lastIndexOf('\n', start - 1) + 1;
}

function nextLineBreak(text: string, from: number): number {
  const index = text.indexOf('\n', from);
  return index < 0 ? text.length : index;
}
