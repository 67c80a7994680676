/**
 * Prepares a user's schema for Prisma's WebAssembly engines, which follow Prisma 7: they reject the
 * connection settings (`url = env("DATABASE_URL")`, `directUrl`, `shadowDatabaseUrl`) that Prisma 5
 * and 6 projects keep in the datasource block. Those properties are blanked in memory, character
 * for character, so that line and column positions reported by the engines still point into the
 * user's file. The user's files are never touched.
 */
import { splitBlocks } from '../analysis/schema/blocks';

export interface EngineSchemaFile {
  /** The path or URI the engine reports errors against. */
  path: string;
  text: string;
}

/** Datasource properties that Prisma 7's engines no longer accept. */
const CONNECTION_PROPERTIES = new Set(['url', 'directUrl', 'shadowDatabaseUrl']);

const PROPERTY = /^([ \t]*)([A-Za-z_]\w*)[ \t]*=/;

/** Returns the files with connection properties of datasource blocks blanked out. */
export function toEngineSchema(files: readonly EngineSchemaFile[]): EngineSchemaFile[] {
  return files.map((file) => ({ path: file.path, text: blankConnectionProperties(file.text) }));
}

/** Blanks `url`, `directUrl` and `shadowDatabaseUrl` assignments inside datasource blocks, keeping every offset. */
export function blankConnectionProperties(text: string): string {
  const ranges: Array<[number, number]> = [];
  for (const block of splitBlocks(text)) {
    if (block.keyword !== 'datasource') continue;
    const bodyStart = text.indexOf('{', block.nameSpan.end) + 1;
    const bodyEnd = block.closeBrace ?? block.span.end;
    let lineStart = bodyStart;
    while (lineStart < bodyEnd) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0 || lineEnd > bodyEnd) lineEnd = bodyEnd;
      const line = text.slice(lineStart, lineEnd);
      const match = PROPERTY.exec(line);
      if (match && CONNECTION_PROPERTIES.has(match[2]!)) {
        ranges.push([lineStart + match[1]!.length, lineStart + valueEnd(line)]);
      }
      lineStart = lineEnd + 1;
    }
  }
  if (ranges.length === 0) return text;
  let result = '';
  let last = 0;
  for (const [start, end] of ranges) {
    result += text.slice(last, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ');
    last = end;
  }
  return result + text.slice(last);
}

/** End of the property's value on its line: before a trailing `//` comment, keeping a `}` that closes the block on the same line. */
function valueEnd(line: string): number {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '\\' && inString) {
      i++;
    } else if (char === '"') {
      inString = !inString;
    } else if (!inString && char === '/' && line[i + 1] === '/') {
      return i;
    } else if (!inString && char === '}') {
      return i;
    }
  }
  return line.replace(/\r$/, '').length;
}
