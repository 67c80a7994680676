/**
 * Calls `@prisma/prisma-schema-wasm` the way the official Prisma language server does: `lint` takes
 * the JSON of a list of `[uri, text]` pairs (the server's `PrismaSchema.toJSON()`) and returns the
 * JSON of its diagnostics, which the server parses on every change.
 */
import * as prismaSchemaWasm from '@prisma/prisma-schema-wasm';

export interface PeerDiagnostic {
  file_name: string;
  start: number;
  end: number;
  text: string;
  is_warning: boolean;
}

export const PEER_NAME = '@prisma/prisma-schema-wasm';

export function peerVersion(): string {
  // The package has no version export; its package.json is the source of truth.
  return (require('@prisma/prisma-schema-wasm/package.json') as { version: string }).version;
}

export function lintLikeOfficialServer(uri: string, text: string): PeerDiagnostic[] {
  return JSON.parse(prismaSchemaWasm.lint(JSON.stringify([[uri, text]]))) as PeerDiagnostic[];
}

/**
 * Throws with Prisma's own error report unless the schema is valid, as `prisma validate` would;
 * with `checkLint`, also unless `lint` agrees that there is no error.
 */
export function assertValidSchema(text: string, label: string, checkLint = true): void {
  try {
    prismaSchemaWasm.validate(JSON.stringify({ prismaSchema: [['schema.prisma', text]], noColor: true }));
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    let message = raw;
    try {
      message = (JSON.parse(raw) as { message?: string }).message ?? raw;
    } catch {
      // Not JSON: the raw text is the best report there is.
    }
    throw new Error(`${label} is not a valid Prisma schema according to ${PEER_NAME}:\n${message}`);
  }
  if (!checkLint) return;
  const errors = lintLikeOfficialServer('file:///schema.prisma', text).filter((diagnostic) => !diagnostic.is_warning);
  if (errors.length > 0) throw new Error(`${label}: ${PEER_NAME} lint reports errors: ${errors.map((e) => e.text).join('; ')}`);
}
