/**
 * Splits a schema file into its top-level blocks without a full parse, so that each block can be
 * parsed (and cached) on its own and a syntax error in one block never hides the others. After an
 * edit, only the blocks around the edited range are split again; the others are taken over. Block
 * comments (`/* … *\/`) hide what they hold, block headers and braces included, as in Prisma.
 */
import type { Span, TextChange } from '../text';

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

/** A block header from the start of a line; `y` so that it only matches where it is asked to. */
const HEADER = /[ \t]*(model|view|type|enum|datasource|generator)[ \t]+([A-Za-z_][\w]*)[ \t]*\{/y;

const SPACE = 32;
const TAB = 9;
const SLASH = 47;
const STAR = 42;
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
/** First letters of the block keywords: any other first character rules a header out without a regex. */
const KEYWORD_INITIALS = new Set(['m', 'v', 't', 'e', 'd', 'g'].map((letter) => letter.charCodeAt(0)));

interface OpenBlock {
  keyword: BlockKeyword;
  name: string;
  start: number;
  nameSpan: Span;
  depth: number;
}

/** Returns the top-level blocks in source order. Junk between blocks is ignored. */
export function splitBlocks(text: string): RawBlock[] {
  const blocks: RawBlock[] = [];
  scanBlocks(text, 0, blocks);
  return blocks;
}

/** The blocks of an edited text, and which of them are the previous text's blocks. */
export interface EditedBlocks {
  blocks: RawBlock[];
  /** `blocks[0, kept)` are the previous blocks `[0, kept)`, at the same offsets (the same objects). */
  kept: number;
  /**
   * From `blocks[tail.at]` on, the blocks are the previous blocks from `tail.previousAt` on, with the
   * same text, moved by `tail.delta`. Undefined when no block header follows the edit.
   */
  tail: { at: number; previousAt: number; delta: number } | undefined;
}

/**
 * Splits `text`, which is `previousText` with `change` applied, reusing `previousBlocks` (the split
 * of `previousText`): blocks whose closing line ends before the edit are kept, the text after
 * them is split again up to the first block header after the edit, and from that header on the
 * previous blocks are only moved. A header line outside a block comment starts a block whatever
 * came before it, and a line that starts a block in both texts lies outside a comment in both, so
 * from there on both texts split the same way. The result equals `splitBlocks(text)`.
 */
export function splitEditedBlocks(previousText: string, previousBlocks: readonly RawBlock[], text: string, change: TextChange): EditedBlocks {
  // Blocks whose closing brace's line ends before the edit are kept; splitting resumes on the next line.
  let kept = 0;
  let from = 0;
  while (kept < previousBlocks.length) {
    const closeBrace = previousBlocks[kept]!.closeBrace;
    const lineFeed = closeBrace === undefined ? -1 : previousText.indexOf('\n', closeBrace);
    if (lineFeed < 0 || lineFeed >= change.start) break;
    // Splitting resumes outside any comment: a block comment opened after the brace is read again.
    // (Only the rest of the brace's line is looked at: searching the whole text from each kept block
    // on made this loop quadratic in a schema without comments.)
    if (opensComment(previousText, closeBrace!, lineFeed)) break;
    kept++;
    from = lineFeed + 1;
  }
  const blocks = previousBlocks.slice(0, kept);
  const delta = change.newEnd - change.oldEnd;
  let candidate = kept;
  const resumeAt = scanBlocks(text, from, blocks, (lineStart) => {
    // The header line and the line break before it must both lie in the unchanged text after the edit.
    if (lineStart - 1 < change.newEnd) return false;
    const previousLineStart = lineStart - delta;
    while (candidate < previousBlocks.length && headerLineStart(previousText, previousBlocks[candidate]!) < previousLineStart) candidate++;
    return candidate < previousBlocks.length && headerLineStart(previousText, previousBlocks[candidate]!) === previousLineStart;
  });
  if (resumeAt === undefined) return { blocks, kept, tail: undefined };
  const tail = { at: blocks.length, previousAt: candidate, delta };
  for (let j = candidate; j < previousBlocks.length; j++) blocks.push(moveBlock(previousBlocks[j]!, delta));
  return { blocks, kept, tail };
}

/** Whether `/*` starts between `from` and `to`. */
function opensComment(text: string, from: number, to: number): boolean {
  for (let i = from; i < to - 1; i++) if (text.charCodeAt(i) === SLASH && text.charCodeAt(i + 1) === STAR) return true;
  return false;
}

/** The same block `delta` characters further on (the same object when `delta` is 0). */
export function moveBlock(block: RawBlock, delta: number): RawBlock {
  if (delta === 0) return block;
  return {
    keyword: block.keyword,
    name: block.name,
    span: { start: block.span.start + delta, end: block.span.end + delta },
    nameSpan: { start: block.nameSpan.start + delta, end: block.nameSpan.end + delta },
    closeBrace: block.closeBrace === undefined ? undefined : block.closeBrace + delta,
  };
}

function headerLineStart(text: string, block: RawBlock): number {
  return text.lastIndexOf('\n', block.span.start - 1) + 1;
}

/**
 * Splits `text` from the line starting at `from` (where no block is open) into `blocks`. When
 * `stopAt` accepts a header line, the block still open is closed there and scanning stops; returns
 * that line's offset, or undefined when the text was scanned to its end.
 */
function scanBlocks(text: string, from: number, blocks: RawBlock[], stopAt?: (lineStart: number) => boolean): number | undefined {
  let lineStart = from;
  let open: OpenBlock | undefined;
  const lexical: LexicalState = { inComment: false };
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    // A line that starts inside a block comment is no header, whatever it holds.
    const header = lexical.inComment ? null : headerAt(text, lineStart, lineEnd);
    if (header && stopAt?.(lineStart)) {
      if (open) blocks.push(closeBlock(open, lineStart, undefined, text));
      return lineStart;
    }
    if (header && open) {
      // A new block header while a block is still open: the open one was left unterminated.
      blocks.push(closeBlock(open, lineStart, undefined, text));
      open = undefined;
    }
    let scanFrom = lineStart;
    if (header) {
      const keyword = header[1] as BlockKeyword;
      const name = header[2]!;
      const start = lineStart + header[0].indexOf(keyword);
      const nameOffset = text.indexOf(name, start + keyword.length);
      open = { keyword, name, start, nameSpan: { start: nameOffset, end: nameOffset + name.length }, depth: 1 };
      scanFrom = lineStart + header[0].length;
    }
    const closeAt = scanLine(text, scanFrom, lineEnd, open, lexical);
    if (open && closeAt !== undefined) {
      blocks.push(closeBlock(open, closeAt + 1, closeAt, text));
      open = undefined;
    }
    lineStart = lineEnd + 1;
  }
  if (open) blocks.push(closeBlock(open, text.length, undefined, text));
  return undefined;
}

/** The block header that starts the line at `lineStart`, if the line is one. */
function headerAt(text: string, lineStart: number, lineEnd: number): RegExpExecArray | null {
  let first = lineStart;
  let code = text.charCodeAt(first);
  while ((code === SPACE || code === TAB) && first < lineEnd) code = text.charCodeAt(++first);
  if (first >= lineEnd || !KEYWORD_INITIALS.has(code)) return null;
  HEADER.lastIndex = lineStart;
  // None of the header's characters matches a line break, so a match never runs past the line.
  return HEADER.exec(text);
}

/** Whether the scan is inside a block comment, which can span lines. */
interface LexicalState {
  inComment: boolean;
}

/**
 * Scans one line, skipping strings and comments: tracks the brace depth of the `open` block and
 * returns the offset of the brace that closes it, and follows block comments opened or closed on
 * the line (after a closing brace too, since a comment opened there hides the lines after it).
 */
function scanLine(text: string, from: number, lineEnd: number, open: { depth: number } | undefined, lexical: LexicalState): number | undefined {
  let closeAt: number | undefined;
  for (let i = from; i < lineEnd; i++) {
    const code = text.charCodeAt(i);
    if (lexical.inComment) {
      if (code === STAR && text.charCodeAt(i + 1) === SLASH) {
        lexical.inComment = false;
        i++;
      }
      continue;
    }
    if (code === SLASH) {
      const next = text.charCodeAt(i + 1);
      if (next === SLASH) break;
      if (next === STAR) {
        lexical.inComment = true;
        i++;
        continue;
      }
    }
    if (code === QUOTE) {
      i++;
      while (i < lineEnd && text.charCodeAt(i) !== QUOTE) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1;
      continue;
    }
    if (!open || closeAt !== undefined) continue;
    if (code === OPEN_BRACE) open.depth++;
    else if (code === CLOSE_BRACE) {
      open.depth--;
      if (open.depth === 0) closeAt = i;
    }
  }
  return closeAt;
}

function closeBlock(open: OpenBlock, end: number, closeBrace: number | undefined, text: string): RawBlock {
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
