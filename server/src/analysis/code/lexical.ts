/**
 * Characters and literals of TypeScript text as a lexical pass reads them, without the parser:
 * what `prune.ts` reads a file with, and `pruned-sites.ts` reads the pruned text with. White space
 * and line breaks are TypeScript's scanner's (`isWhiteSpaceSingleLine`, `isLineBreak`).
 */

/** Characters by what they are: 1 a word's, 2 a space (line breaks apart). */
const CHAR_CLASS = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36) CHAR_CLASS[code] = 1;
  else if (code === 32 || code === 9 || code === 0x0b || code === 0x0c) CHAR_CLASS[code] = 2;
}

export function isWordChar(code: number): boolean {
  return code < 128 ? CHAR_CLASS[code] === 1 : !isLineBreak(code) && !isWideSpace(code);
}

export function isLineBreak(code: number): boolean {
  return code === 10 || code === 13 || code === 0x2028 || code === 0x2029;
}

export function isSpace(code: number): boolean {
  return code < 128 ? CHAR_CLASS[code] === 2 : isWideSpace(code);
}

/** White space beyond ASCII, as TypeScript's scanner reads it (`isWhiteSpaceSingleLine`). */
function isWideSpace(code: number): boolean {
  return code === 0xa0 || code === 0x85 || code === 0x1680 || (code >= 0x2000 && code <= 0x200b) || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/** The first offset from `from` that is not white space or a line break (`text.length` when none is). */
export function skipBlank(text: string, from: number): number {
  let at = from;
  while (at < text.length && (isSpace(text.charCodeAt(at)) || isLineBreak(text.charCodeAt(at)))) at++;
  return at;
}

/** The first offset in [from, to) that is not white space, a line break or a comment; `to` when there is none. */
export function skipTrivia(text: string, from: number, to: number): number {
  let at = from;
  while (at < to) {
    const code = text.charCodeAt(at);
    if (isSpace(code) || isLineBreak(code)) {
      at++;
      continue;
    }
    if (code !== 47 /* / */) return at;
    const next = text.charCodeAt(at + 1);
    if (next === 47) {
      while (at < to && !isLineBreak(text.charCodeAt(at))) at++;
    } else if (next === 42) {
      const close = text.indexOf('*/', at + 2);
      if (close < 0) return to;
      at = close + 2;
    } else {
      return at;
    }
  }
  return to;
}

/** The end of a string literal starting at `start`, or -1 when it does not end on its line. */
export function skipString(text: string, start: number, quote: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === quote) return i + 1;
    if (code === 92) {
      // An escaped character, or a line continuation (`\` before a line break, `\r\n` counted once).
      if (text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10) i++;
      i++;
      continue;
    }
    if (code === 10 || code === 13) return -1;
  }
  return -1;
}

/** The end of a template part starting at `start` (after `` ` `` or `}`): after its closing `` ` `` or its `${`; -1 when it does not end. */
export function skipTemplatePart(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 96) return i + 1;
    if (code === 92) {
      i++;
      continue;
    }
    if (code === 36 && text.charCodeAt(i + 1) === 123) return i + 2;
  }
  return -1;
}

/** The end of a regular expression whose body starts at `start` (after the first `/`), flags included; -1 when it does not end on its line. */
export function skipRegex(text: string, start: number): number {
  let inClass = false;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isLineBreak(code)) return -1;
    if (code === 92) {
      i++;
      continue;
    }
    if (code === 91) inClass = true;
    else if (code === 93) inClass = false;
    else if (code === 47 && !inClass) {
      let end = i + 1;
      while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
      return end;
    }
  }
  return -1;
}
