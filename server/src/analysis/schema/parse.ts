/**
 * Parses one top-level block with @mrleebo/prisma-ast, recovering from syntax errors line by line,
 * and caches recent results by block text.
 */
import { getSchema, PrismaParser, VisitorClassFactory, type Block } from '@mrleebo/prisma-ast';

const parser = new PrismaParser({ nodeLocationTracking: 'full' });
const Visitor = VisitorClassFactory(parser);
const visitor = new Visitor();

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
  const parsed = parseWithRecovery(terminated ? blockText : `${blockText}\n}`);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, parsed);
  return parsed;
}

function parseWithRecovery(text: string): ParsedBlock {
  const droppedLines: number[] = [];
  let firstError: string | undefined;
  let current = text;
  for (let attempt = 0; attempt < MAX_RECOVERY_ATTEMPTS; attempt++) {
    try {
      const schema = getSchema(current, { parser, visitor });
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
