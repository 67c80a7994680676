/** Reads the files of a schema from disk, refusing what cannot be a schema (huge or binary files). */
import { readFile, stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
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
}

export async function readSchemaFiles(set: { files: readonly string[] }): Promise<ReadSchemaFilesResult> {
  const results = await Promise.all(set.files.map(readSchemaFile));
  const files: SchemaFile[] = [];
  const problems: SchemaFileProblem[] = [];
  for (const result of results) {
    if ('problem' in result) problems.push(result.problem);
    else files.push(result.file);
  }
  return { files, problems };
}

async function readSchemaFile(file: string): Promise<{ file: SchemaFile } | { problem: SchemaFileProblem }> {
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
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    return { file: { uri: pathToFileURL(file).toString(), text } };
  } catch (error) {
    return { problem: { path: file, message: `the file could not be read (${errorCode(error)})` } };
  }
}

function tooLarge(file: string, bytes: number): SchemaFileProblem {
  const size = (bytes / 1024 / 1024).toFixed(1);
  return { path: file, message: `the file is ${size} MB, over the 5 MB a schema file may have; it was not analysed` };
}
