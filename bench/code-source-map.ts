/** Reads source maps (version 3): the original position of a generated one, for ESLint reports and CPU profiles. */

/** Per generated line: segments of [generated column, original line, original column, source index], sorted by column. */
export type SourceMapLines = [number, number, number, number][][];

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes a source map's `mappings` (Base64 VLQ) into per-line segments. */
export function decodeMappings(mappings: string): SourceMapLines {
  const lines: SourceMapLines = [];
  let originalLine = 0;
  let originalColumn = 0;
  let source = 0;
  for (const lineText of mappings.split(';')) {
    const segments: [number, number, number, number][] = [];
    let generatedColumn = 0;
    for (const segmentText of lineText.split(',')) {
      if (segmentText === '') continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segmentText) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      generatedColumn += fields[0]!;
      if (fields.length >= 4) {
        source += fields[1]!;
        originalLine += fields[2]!;
        originalColumn += fields[3]!;
        segments.push([generatedColumn, originalLine, originalColumn, source]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** The original position of a generated one (0-based), from the segment at or before it on its line. */
export function originalPosition(map: SourceMapLines, line: number, column: number): { line: number; character: number; source: number } | undefined {
  const segments = map[line] ?? [];
  let found: [number, number, number, number] | undefined;
  for (const segment of segments) {
    if (segment[0] > column) break;
    found = segment;
  }
  if (!found) return undefined;
  return { line: found[1], character: found[2] + (column - found[0]), source: found[3] };
}
