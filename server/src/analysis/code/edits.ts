/** Text-edit building blocks for quick fixes on TypeScript code: indentation, line breaks, object properties. */
import ts = require('typescript');
import type { TextEdit } from '../rules/types';

import { lineBreakOf } from '../text';

export { lineBreakOf };

/** Offset of the first character of the line that holds `offset`. */
export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The whitespace that starts the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
}

/** True when only whitespace precedes `offset` on its line: a statement can be inserted above it. */
export function startsItsLine(text: string, offset: number): boolean {
  return text.slice(lineStartOf(text, offset), offset).trim() === '';
}

/** The unit of indentation the file uses, guessed from its first indented line. */
export function indentUnit(text: string): string {
  const match = /\n([ \t]+)\S/.exec(text);
  if (!match) return '  ';
  return match[1]!.startsWith('\t') ? '\t' : match[1]!.length >= 4 && match[1]!.length % 4 === 0 ? '    ' : '  ';
}

/** An edit that adds `name: value` to an object literal, on its own line when the object spans lines. */
export function addPropertyEdit(uri: string, object: ts.ObjectLiteralExpression, property: string, sourceFile: ts.SourceFile): TextEdit {
  const text = sourceFile.text;
  const last = object.properties[object.properties.length - 1];
  const close = object.getEnd() - 1;
  if (!last) return { uri, start: object.getStart(sourceFile), end: object.getEnd(), text: `{ ${property} }` };
  const multiline = text.slice(last.getEnd(), close).includes('\n');
  if (!multiline) {
    const after = object.properties.hasTrailingComma ? text.indexOf(',', last.getEnd()) + 1 : last.getEnd();
    return { uri, start: after, end: after, text: `${object.properties.hasTrailingComma ? '' : ','} ${property}` };
  }
  const indent = indentAt(text, last.getStart(sourceFile));
  const eol = lineBreakOf(text);
  if (object.properties.hasTrailingComma) {
    const comma = text.indexOf(',', last.getEnd()) + 1;
    return { uri, start: comma, end: comma, text: `${eol}${indent}${property},` };
  }
  return { uri, start: last.getEnd(), end: last.getEnd(), text: `,${eol}${indent}${property}` };
}

const wordsOfText = new Map<string, Set<string>>();

/** A name that no identifier of the file uses yet: `usersById`, else `usersById2`… */
export function freshName(base: string, text: string): string {
  let words = wordsOfText.get(text);
  if (!words) {
    // One scan per text, shared by every fix built for it; only the latest text is kept.
    words = new Set(text.match(/[A-Za-z_$][\w$]*/g) ?? []);
    wordsOfText.clear();
    wordsOfText.set(text, words);
  }
  let name = base;
  for (let n = 2; words.has(name); n++) name = `${base}${n}`;
  return name;
}

/** `User` → `users`, `Category` → `categories`, `Address` → `addresses`. */
export function pluralCamel(modelName: string): string {
  const camel = modelName.charAt(0).toLowerCase() + modelName.slice(1);
  if (/[^aeiou]y$/.test(camel)) return `${camel.slice(0, -1)}ies`;
  if (/(?:s|x|z|ch|sh)$/.test(camel)) return `${camel}es`;
  return `${camel}s`;
}
