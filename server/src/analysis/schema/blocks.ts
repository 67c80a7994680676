/**
 * Splits a schema file into its top-level blocks without a full parse, so that each block can be
 * parsed (and cached) on its own and a syntax error in one block never hides the others.
 */
import type { Span } from '../text';

export type BlockKeyword = 'model' | 'view' | 'type' | 'enum' | 'datasource' | 'generator';

export interface RawBlock {
  keyword: BlockKeyword;
  name: string;
  /** From the keyword to just after the closing brace (or to where the unterminated block stops). */
  span: Span;
  nameSpan: Span;
  /** Offset of the closing `}`; undefined when the block is not terminated yet (half-typed). */
  closeBrace: number | undefined;
}

const HEADER = /^[ \t]*(model|view|type|enum|datasource|generator)[ \t]+([A-Za-z_][\w]*)[ \t]*\{/;

/** Returns the top-level blocks in source order. Junk between blocks is ignored. */
export function splitBlocks(text: string): RawBlock[] {
  const blocks: RawBlock[] = [];
  let lineStart = 0;
  let open: { keyword: BlockKeyword; name: string; start: number; nameSpan: Span; depth: number } | undefined;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const header = HEADER.exec(line);
    if (header && open) {
      // A new block header while a block is still open: the open one was left unterminated.
      blocks.push(closeBlock(open, lineStart, undefined, text));
      open = undefined;
    }
    let scanFrom = 0;
    if (header && !open) {
      const keyword = header[1] as BlockKeyword;
      const name = header[2]!;
      const nameOffset = line.indexOf(name, line.indexOf(keyword) + keyword.length);
      open = {
        keyword,
        name,
        start: lineStart + line.indexOf(keyword),
        nameSpan: { start: lineStart + nameOffset, end: lineStart + nameOffset + name.length },
        depth: 1,
      };
      scanFrom = header[0].length;
    }
    if (open) {
      const closeAt = scanBraces(line, scanFrom, open);
      if (closeAt !== undefined) {
        blocks.push(closeBlock(open, lineStart + closeAt + 1, lineStart + closeAt, text));
        open = undefined;
      }
    }
    lineStart = lineEnd + 1;
  }
  if (open) blocks.push(closeBlock(open, text.length, undefined, text));
  return blocks;
}

/** Tracks brace depth over one line, skipping strings and comments; returns the closing brace's column. */
function scanBraces(line: string, from: number, open: { depth: number }): number | undefined {
  for (let i = from; i < line.length; i++) {
    const ch = line[i];
    if (ch === '/' && line[i + 1] === '/') return undefined;
    if (ch === '"') {
      i++;
      while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
      continue;
    }
    if (ch === '{') open.depth++;
    else if (ch === '}') {
      open.depth--;
      if (open.depth === 0) return i;
    }
  }
  return undefined;
}

function closeBlock(
  open: { keyword: BlockKeyword; name: string; start: number; nameSpan: Span },
  end: number,
  closeBrace: number | undefined,
  text: string,
): RawBlock {
  let trimmedEnd = end;
  if (closeBrace === undefined) {
    while (trimmedEnd > open.start && /\s/.test(text[trimmedEnd - 1]!)) trimmedEnd--;
  }
  return {
    keyword: open.keyword,
    name: open.name,
    span: { start: open.start, end: trimmedEnd },
    nameSpan: open.nameSpan,
    closeBrace,
  };
}
