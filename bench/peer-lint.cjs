/** Lints one Prisma schema file with @prisma/prisma-schema-wasm as the official Prisma language server does, and prints the diagnostics as JSON. */
'use strict';
const { readFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');
const prismaSchemaWasm = require('@prisma/prisma-schema-wasm');

const schemaPath = process.argv[2];
if (!schemaPath) {
  process.stderr.write('usage: node bench/peer-lint.cjs <schema.prisma>\n');
  process.exit(2);
}
const text = readFileSync(schemaPath, 'utf8');
const diagnostics = JSON.parse(prismaSchemaWasm.lint(JSON.stringify([[pathToFileURL(schemaPath).href, text]])));
process.stdout.write(`${JSON.stringify(diagnostics)}\n`);
// Like a linter's CLI: exit code 1 when there is something to report.
process.exitCode = diagnostics.length > 0 ? 1 : 0;
