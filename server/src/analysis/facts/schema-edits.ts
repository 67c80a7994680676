/** Text edits on schema files for quick fixes: add a block attribute or a field to a model, remove a line. */
import type { Field, Model } from '../schema/model';
import type { TextEdit } from '../rules/types';
import { lineBreakOf } from '../text';

/** Block attributes that name the table rather than index it; `prisma format` users keep them last. */
const TRAILING_ATTRIBUTE = /^\s*@@(?:map|schema|ignore)\b/;

function indentOf(text: string, model: Model, like: Field | undefined = model.fields[0]): string {
  const field = like;
  if (!field) return '  ';
  return /^[ \t]*/.exec(text.slice(field.lineSpan.start, field.lineSpan.end))?.[0] || '  ';
}

/** The line that ends just before the line starting at `lineStart`. */
function lineBefore(text: string, lineStart: number): { start: number; text: string } | undefined {
  if (lineStart <= 0) return undefined;
  const start = text.lastIndexOf('\n', lineStart - 2) + 1;
  return { start, text: text.slice(start, lineStart - 1).replace(/\r$/, '') };
}

/**
 * Adds `@@index([…])` after the model's fields and indexes (before a trailing `@@map`/`@@schema`),
 * after a blank line when a field precedes it, the way `prisma format` lays a model out; indented
 * like `indentLike` (default: the model's first field).
 */
export function addIndexEdit(model: Model, text: string, indexText: string, indentLike?: Field): TextEdit | undefined {
  if (model.closeBrace === undefined) return undefined;
  // Looked up once per text, not per finding: a large schema has hundreds of findings.
  const eol = lineBreakOf(text);
  const indent = indentOf(text, model, indentLike);
  const closeLineStart = text.lastIndexOf('\n', model.closeBrace - 1) + 1;
  if (text.slice(closeLineStart, model.closeBrace).trim() !== '') {
    return { uri: model.uri, start: model.closeBrace, end: model.closeBrace, text: `${eol}${eol}${indent}${indexText}${eol}` };
  }
  let at = closeLineStart;
  for (let previous = lineBefore(text, at); previous && previous.start > model.nameSpan.end && TRAILING_ATTRIBUTE.test(previous.text); previous = lineBefore(text, at)) {
    at = previous.start;
  }
  const before = lineBefore(text, at)?.text.trim() ?? '';
  const separator = before === '' || before.startsWith('@@') || before.endsWith('{') ? '' : eol;
  return { uri: model.uri, start: at, end: at, text: `${separator}${indent}${indexText}${eol}` };
}

/** Adds field lines after the model's last field (before its block attributes). */
export function addFieldsEdit(model: Model, text: string, lines: string[]): TextEdit | undefined {
  const last = model.fields[model.fields.length - 1];
  if (!last || model.closeBrace === undefined) return undefined;
  const eol = lineBreakOf(text);
  const indent = indentOf(text, model);
  return { uri: model.uri, start: last.lineSpan.end, end: last.lineSpan.end, text: lines.map((line) => `${eol}${indent}${line}`).join('') };
}

/** Removes the whole line holding `offset`, line break included. */
export function removeLineEdit(uri: string, text: string, offset: number): TextEdit {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', offset);
  end = end < 0 ? text.length : end + 1;
  return { uri, start, end, text: '' };
}

/** Inserts ` text` at the end of the field's declaration, before a trailing `//` comment. */
export function appendToFieldEdit(model: Model, field: Field, text: string, addition: string): TextEdit {
  const line = text.slice(field.lineSpan.start, field.lineSpan.end);
  let inString = false;
  let end = line.length;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') inString = !inString;
    else if (!inString && line[i] === '/' && line[i + 1] === '/') {
      end = i;
      break;
    }
  }
  const code = line.slice(0, end).replace(/\s+$/, '');
  const at = field.lineSpan.start + code.length;
  return { uri: model.uri, start: at, end: at, text: ` ${addition}` };
}

/** Inserts a block (an `enum`) after the model's closing brace, separated by a blank line. */
export function addBlockAfterEdit(model: Model, text: string, block: string): TextEdit | undefined {
  if (model.closeBrace === undefined) return undefined;
  const eol = lineBreakOf(text);
  const at = model.closeBrace + 1;
  return { uri: model.uri, start: at, end: at, text: `${eol}${eol}${block.split('\n').join(eol)}` };
}
