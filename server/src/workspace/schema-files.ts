/** Reads the files of a schema from disk, refusing what cannot be a schema (huge or binary files) and finding bytes that are not UTF-8. */
import { isUtf8 } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { SchemaError } from '../analysis/facts/workspace-facts';
import type { SchemaFile } from '../analysis/schema/model';
import { errorCode } from './walk';

/** A schema is never this big; a file that is, is junk (a dump, a log) that would only stall the analysis. */
export const MAX_SCHEMA_FILE_BYTES = 5 * 1024 * 1024;

export interface SchemaFileProblem {
  path: string;
  message: string;
}

export interface ReadSchemaFilesResult {
  /** In the order of the set's files. */
  files: SchemaFile[];
  /** Files left out, and why. */
  problems: SchemaFileProblem[];
  /** The first byte that is not UTF-8 in each file that has one: the file is still read, with U+FFFD there, as Prisma reads it. */
  encodingErrors: SchemaError[];
}

export async function readSchemaFiles(set: { files: readonly string[] }): Promise<ReadSchemaFilesResult> {
  const results = await Promise.all(set.files.map(readSchemaFile));
  const files: SchemaFile[] = [];
  const problems: SchemaFileProblem[] = [];
  const encodingErrors: SchemaError[] = [];
  for (const result of results) {
    if ('problem' in result) {
      problems.push(result.problem);
      continue;
    }
    files.push(result.file);
    if (result.encodingError) encodingErrors.push(result.encodingError);
  }
  return { files, problems, encodingErrors };
}

async function readSchemaFile(file: string): Promise<{ file: SchemaFile; encodingError?: SchemaError } | { problem: SchemaFileProblem }> {
  try {
    const info = await stat(file);
    if (info.size > MAX_SCHEMA_FILE_BYTES) return { problem: tooLarge(file, info.size) };
    const bytes = await readFile(file);
    // The file may have grown between the two calls.
    if (bytes.length > MAX_SCHEMA_FILE_BYTES) return { problem: tooLarge(file, bytes.length) };
    if (bytes.includes(0)) {
      return { problem: { path: file, message: 'the file holds binary data (NUL bytes); it was not analysed' } };
    }
    // Editors hide a byte-order mark, so offsets are counted without it, as the language server counts them.
    const decoded = bytes.toString('utf8');
    const bom = decoded.startsWith('\uFEFF') ? 1 : 0;
    const uri = pathToFileURL(file).toString();
    const result: { file: SchemaFile; encodingError?: SchemaError } = { file: { uri, text: decoded.slice(bom) } };
    const invalid = isUtf8(bytes) ? -1 : firstInvalidUtf8Byte(bytes);
    if (invalid >= 0) {
      // The bytes before it are valid, so their decoded length is the offset of the U+FFFD that replaced it.
      const start = bytes.subarray(0, invalid).toString('utf8').length - bom;
      result.encodingError = { uri, start, end: start + 1, message: `0x${bytes[invalid]!.toString(16).toUpperCase().padStart(2, '0')}`, kind: 'encoding' };
    }
    return result;
  } catch (error) {
    return { problem: { path: file, message: `the file could not be read (${errorCode(error)})` } };
  }
}

function tooLarge(file: string, bytes: number): SchemaFileProblem {
  const size = (bytes / 1024 / 1024).toFixed(1);
  return { path: file, message: `the file is ${size} MB, over the 5 MB a schema file may have; it was not analysed` };
}

/**
 * The offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or -1 when every byte is valid.
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    // The continuation bytes that may follow the lead byte: the second one's range is narrower for some leads.
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return -1;
}
