/** Finds and reads the schema a TypeScript/JavaScript file's queries run against, for compiling its calls. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EngineSchemaFile } from '../engines/engine-schema';
import { schemaSetForCodeFile } from '../workspace/code-file-schema';
import { readSchemaFiles } from '../workspace/discovery';

export interface CodeFileSchema {
  files: EngineSchemaFile[];
  /** The folder of the project (package.json or prisma.config.*) the schema belongs to. */
  projectRoot: string;
  /** The folder `.env` files next to the schema are read from. */
  schemaDir: string;
}

/**
 * The files of the code file's schema; an open editor's text wins over the disk so that unsaved
 * schema edits show in the SQL at once. Empty when no schema belongs to the file.
 */
export async function schemaFilesForCodeFile(
  file: string,
  workspaceFolders: readonly string[],
  openText: (uri: string) => string | undefined = () => undefined,
): Promise<EngineSchemaFile[]> {
  return (await schemaForCodeFile(file, workspaceFolders, openText)).files;
}

/** The schema files with the folders that locate the project's `.env` and `prisma.config.ts`. */
export async function schemaForCodeFile(
  file: string,
  workspaceFolders: readonly string[],
  openText: (uri: string) => string | undefined = () => undefined,
): Promise<CodeFileSchema> {
  // The open text's imports decide the schema too: an import typed a moment ago counts.
  const set = await schemaSetForCodeFile(file, workspaceFolders, openText(pathToFileURL(file).toString()));
  if (!set) return { files: [], projectRoot: path.dirname(file), schemaDir: path.dirname(file) };
  const { files } = await readSchemaFiles(set);
  const schemaDir = set.files.length === 1 && set.files[0] === set.schemaPath ? path.dirname(set.schemaPath) : set.schemaPath;
  return {
    files: files.map((schemaFile) => {
      const uri = schemaFile.uri.startsWith('file:') ? schemaFile.uri : pathToFileURL(schemaFile.uri).toString();
      return { path: uri, text: openText(uri) ?? schemaFile.text };
    }),
    projectRoot: set.projectRoot,
    schemaDir,
  };
}
