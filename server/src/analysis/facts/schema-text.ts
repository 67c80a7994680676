/**
 * What a schema field's source line says beyond the schema model: where its type is written, its
 * `@default(…)` and `@db.…` arguments, and the comments beside and above it.
 */
import type { Field, Model, PrismaSchema } from '../schema/model';
import type { Span } from '../text';

/** The text of the file that declares `model`, or '' when the schema no longer holds it. */
export function fileTextOf(schema: PrismaSchema, uri: string): string {
  return schema.files.find((file) => file.uri === uri)?.text ?? '';
}

/** The source line of a field, without its line break. */
export function fieldLine(text: string, field: Field): string {
  return text.slice(field.lineSpan.start, field.lineSpan.end);
}

/** Where the field's type (`Float`, `DateTime?`, `String[]`) is written: the name of the type, without `?`/`[]`. */
export function fieldTypeSpan(text: string, field: Field): Span | undefined {
  const after = field.nameSpan.end;
  const rest = text.slice(after, field.lineSpan.end);
  const match = /^\s+([A-Za-z_][\w]*)/.exec(rest);
  if (!match || match[1] !== field.type) return undefined;
  const start = after + match[0].length - match[1].length;
  return { start, end: start + match[1].length };
}

/** The part of the field's line before its `//` comment (strings are not split on `//`). */
function codePart(line: string): { code: string; comment: string | undefined } {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '\\' && inString) {
      i++;
    } else if (char === '"') {
      inString = !inString;
    } else if (!inString && char === '/' && line[i + 1] === '/') {
      return { code: line.slice(0, i), comment: line.slice(i).replace(/^\/{2,3}\s?/, '') };
    }
  }
  return { code: line, comment: undefined };
}

/** The comment at the end of the field's line (`role String // user, admin`), without the slashes. */
export function trailingComment(text: string, field: Field): string | undefined {
  const line = fieldLine(text, field);
  return line.includes('//') ? codePart(line).comment?.trim() : undefined;
}

/** The `///` and `//` comment lines directly above the field, top to bottom, without the slashes. */
export function commentsAbove(text: string, field: Field): string[] {
  const lines: string[] = [];
  // Cheap exit for the usual case: the line above holds no comment.
  // (Only the line above is looked at: searching the rest of the text would make this linear in the file.)
  const previousStart = text.lastIndexOf('\n', field.lineSpan.start - 2) + 1;
  let first = previousStart;
  while (first < field.lineSpan.start && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) first++;
  if (text.charCodeAt(first) !== 47 || text.charCodeAt(first + 1) !== 47) return lines;
  let end = field.lineSpan.start - 1;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end).replace(/\r$/, '').trim();
    if (!line.startsWith('//')) break;
    lines.unshift(line.replace(/^\/{2,3}\s?/, ''));
    end = start - 1;
  }
  return lines;
}

/** The arguments of attribute `@name(…)` on the field's line (`default` → `"user"`), or undefined. */
const attributePatterns = new Map<string, RegExp>();

export function attributeArguments(text: string, field: Field, name: string): string | undefined {
  if (!field.attributes.includes(name)) return undefined;
  const { code } = codePart(fieldLine(text, field));
  let pattern = attributePatterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`@${name.replace('.', '\\.')}\\b`);
    attributePatterns.set(name, pattern);
  }
  const at = code.search(pattern);
  if (at < 0) return undefined;
  let i = at + name.length + 1;
  while (code[i] === ' ') i++;
  if (code[i] !== '(') return '';
  let depth = 0;
  let inString = false;
  for (let j = i; j < code.length; j++) {
    const char = code[j];
    if (char === '\\' && inString) j++;
    else if (char === '"') inString = !inString;
    else if (!inString && char === '(') depth++;
    else if (!inString && char === ')' && --depth === 0) return code.slice(i + 1, j).trim();
  }
  return undefined;
}

/** The native type of the field (`Timestamptz` for `@db.Timestamptz(6)`), or undefined. */
export function nativeType(field: Field): string | undefined {
  return field.attributes.find((attribute) => attribute.startsWith('db.'))?.slice(3);
}

/** Where the field's `@default(…)` attribute is written, with its argument text. */
export function defaultAttribute(text: string, field: Field): { span: Span; argument: string } | undefined {
  const line = fieldLine(text, field);
  const { code } = codePart(line);
  const at = code.indexOf('@default(');
  if (at < 0) return undefined;
  const argument = attributeArguments(text, field, 'default');
  if (argument === undefined) return undefined;
  const start = field.lineSpan.start + at;
  const close = code.indexOf(argument, at) + argument.length;
  const end = field.lineSpan.start + code.indexOf(')', close) + 1;
  return { span: { start, end }, argument };
}

/** Scalar fields: neither relations (a model type) nor composite types. */
export function isScalarField(schema: PrismaSchema, field: Field): boolean {
  return !schema.modelsByName.has(field.type);
}

/** The foreign-key field names of a model: fields named in its `@relation(fields: […])` attributes. */
export function foreignKeyFields(model: Model): Set<string> {
  const names = new Set<string>();
  for (const field of model.fields) for (const name of field.relation?.fields ?? []) names.add(name);
  return names;
}

/** Splits `createdAt`, `created_at`, `APIKey` into lower-case words: `created`, `at`; `api`, `key`. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

/** The whole attribute (`@@index([a, b], map: "x")`) from the span of its name (`@@index`), up to its closing parenthesis. */
export function attributeExtent(text: string, nameSpan: Span): Span {
  let i = nameSpan.end;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] !== '(') return nameSpan;
  let depth = 0;
  let inString = false;
  for (let j = i; j < text.length; j++) {
    const char = text[j];
    if (char === '\n') break;
    if (char === '\\' && inString) j++;
    else if (char === '"') inString = !inString;
    else if (!inString && char === '(') depth++;
    else if (!inString && char === ')' && --depth === 0) return { start: nameSpan.start, end: j + 1 };
  }
  return nameSpan;
}
