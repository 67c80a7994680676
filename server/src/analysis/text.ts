/** Offset and line/column arithmetic over a file's text, shared by every analysis layer. */

/** A half-open range of UTF-16 offsets into one file's text. */
export interface Span {
  start: number;
  end: number;
}

/** A zero-based line and UTF-16 character, as LSP counts them. */
export interface Position {
  line: number;
  character: number;
}

/**
 * How a text changed into another, as one replaced range: `[start, oldEnd)` of the old text became
 * `[start, newEnd)` of the new one, and everything before and after is the same.
 */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Chunk lengths for comparing texts: native `startsWith`/`endsWith` on whole chunks first, then characters. */
const CHUNKS = [16384, 1024, 64];

let lastChange: { before: string; after: string; change: TextChange | undefined } | undefined;
/** The changes the editor reported lately (`rememberTextChange`), newest last. */
const reported: { before: string; after: string; change: TextChange }[] = [];
const REPORTED_KEPT = 4;

/**
 * A single range that turns `before` into `after`, or undefined when they are equal: the one the
 * editor reported for that edit (`rememberTextChange`), else the smallest (their common prefix and
 * suffix). The last answer is remembered, so that the schema build and the line index of one edit
 * compare the two texts only once.
 */
export function textChange(before: string, after: string): TextChange | undefined {
  if (lastChange && lastChange.before === before && lastChange.after === after) return lastChange.change;
  for (const known of reported) {
    if (known.before === before && known.after === after) {
      lastChange = known;
      return known.change;
    }
  }
  let change: TextChange | undefined;
  if (before !== after) {
    const start = commonPrefixLength(before, after);
    const suffix = commonSuffixLength(before, after, Math.min(before.length, after.length) - start);
    change = { start, oldEnd: before.length - suffix, newEnd: after.length - suffix };
  }
  lastChange = { before, after, change };
  return change;
}

/**
 * Remembers that the editor turned `before` into `after` by replacing `[start, oldEnd)` of it with
 * `after`'s `[start, newEnd)` (an incremental `didChange`), so that `textChange` need not compare
 * the two texts, which on a large schema costs more than the rest of the edit's analysis. The range
 * is narrowed to what differs inside it; one that does not fit the texts is not kept.
 */
export function rememberTextChange(before: string, after: string, change: TextChange): void {
  let { start, oldEnd, newEnd } = change;
  if (start < 0 || oldEnd < start || newEnd < start || oldEnd > before.length || newEnd > after.length || before.length - oldEnd !== after.length - newEnd) return;
  while (start < oldEnd && start < newEnd && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  while (oldEnd > start && newEnd > start && before.charCodeAt(oldEnd - 1) === after.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  // Nothing differs inside it: the texts are equal, which `textChange` finds itself.
  if (start === oldEnd && start === newEnd) return;
  reported.push({ before, after, change: { start, oldEnd, newEnd } });
  if (reported.length > REPORTED_KEPT) reported.shift();
}

function commonPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  for (const chunk of CHUNKS) while (i + chunk <= max && b.startsWith(a.slice(i, i + chunk), i)) i += chunk;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common suffix, at most `max` characters (so that it never overlaps the common prefix). */
function commonSuffixLength(a: string, b: string, max: number): number {
  let n = 0;
  for (const chunk of CHUNKS) while (n + chunk <= max && b.endsWith(a.slice(a.length - n - chunk, a.length - n), b.length - n)) n += chunk;
  while (n < max && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

let lastLineBreak: { text: string; eol: '\r\n' | '\n' } | undefined;

/** The line break to write into `text`: CRLF when the text already uses it anywhere, LF otherwise. */
export function lineBreakOf(text: string): '\r\n' | '\n' {
  if (lastLineBreak?.text !== text) lastLineBreak = { text, eol: text.includes('\r\n') ? '\r\n' : '\n' };
  return lastLineBreak.eol;
}

/** How the positions of an index made by `forEditedText` relate to those of the index it was derived from. */
export interface LineIndexDerivation {
  /** The id of the earlier index. */
  id: number;
  /** Offsets up to this one (inclusive) have the same position in both. */
  samePositionsUpTo: number;
  /** An offset of the earlier text from this one on (a line start after the edit) is `delta` further here, `lineDelta` lines further down, in the same column. */
  shiftedFrom: number;
  delta: number;
  lineDelta: number;
}

/** Maps offsets to positions for one text; built once per text and reused. */
export class LineIndex {
  private static created = 0;
  /** The offset of each line's first character (a typed array: an edit copies it whole). */
  private readonly lineStarts: Int32Array;
  /** Tells line indexes apart (for caches that must not hold on to them). */
  readonly id = ++LineIndex.created;
  /** Set by `forEditedText`: how positions in this index relate to those in the one it was derived from. */
  readonly derivedFrom?: LineIndexDerivation;

  /** `lineStarts` and `derivedFrom` are for `forEditedText` only. */
  constructor(
    readonly text: string,
    lineStarts?: Int32Array,
    derivedFrom?: LineIndexDerivation,
  ) {
    if (lineStarts) {
      this.lineStarts = lineStarts;
      this.derivedFrom = derivedFrom;
      return;
    }
    let lines = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
    const starts = new Int32Array(lines);
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[line++] = i + 1;
    this.lineStarts = starts;
  }

  /**
   * The index of `text`, derived from the index of an earlier version of it: the lines before and
   * after the edited range are taken over (shifted), only the edited range is scanned again.
   */
  static forEditedText(previous: LineIndex | undefined, text: string): LineIndex {
    if (!previous) return new LineIndex(text);
    const change = textChange(previous.text, text);
    if (!change) return previous;
    const old = previous.lineStarts;
    const delta = change.newEnd - change.oldEnd;
    // Line starts up to the edit's start are unchanged; those after the old edited range move by delta.
    const keep = upperBound(old, change.start);
    const added: number[] = [];
    for (let i = text.indexOf('\n', change.start); i >= 0 && i < change.newEnd; i = text.indexOf('\n', i + 1)) added.push(i + 1);
    const firstShifted = upperBound(old, change.oldEnd);
    const starts = new Int32Array(keep + added.length + old.length - firstShifted);
    starts.set(old.subarray(0, keep));
    starts.set(added, keep);
    let next = keep + added.length;
    for (let k = firstShifted; k < old.length; k++) starts[next++] = old[k]! + delta;
    return new LineIndex(text, starts, {
      id: previous.id,
      samePositionsUpTo: change.start,
      shiftedFrom: firstShifted < old.length ? old[firstShifted]! : Infinity,
      delta,
      lineDelta: starts.length - old.length,
    });
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low]! };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[Math.max(0, position.line)]!;
    return Math.min(start + position.character, this.lineEnd(position.line));
  }

  /** Offset of the first character of the line holding `offset`. */
  lineStartOf(offset: number): number {
    return this.lineStarts[this.positionAt(offset).line]!;
  }

  /** Offset just before the line break (or end of text) of `line`. */
  lineEnd(line: number): number {
    const next = this.lineStarts[line + 1];
    if (next === undefined) return this.text.length;
    return next > 0 && this.text.charCodeAt(next - 2) === 13 ? next - 2 : next - 1;
  }
}

/** The number of entries of the ascending `values` that are at most `value`. */
function upperBound(values: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid]! <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
