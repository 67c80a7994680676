/** Reports the errors Prisma's own validation finds in the schema, at their positions, from the facts the host supplies. */
import type { SchemaError } from '../facts/workspace-facts';
import type { SchemaFile } from '../schema/model';
import type { Span } from '../text';
import { defineRule, type RuleFinding, type SchemaRule } from './types';

export default defineRule<SchemaRule>({
  id: 'schema-error',
  appliesTo: ['prisma'],
  severity: 'error',
  docs: {
    summary: 'Errors Prisma itself reports in the schema (a stray `@@@`, an unclosed `@relation(`, an unknown type), which stop `prisma generate` and `prisma migrate`.',
    why: [
      'A schema that Prisma cannot read generates no client and migrates nothing: `prisma generate`, `prisma migrate dev` and `prisma migrate deploy` stop on the first error. The other rules of Prisma Lens read a damaged schema as far as they can and keep reporting on the intact models, so without this rule a broken schema could look clean.',
      'The errors are Prisma\'s own: the schema is checked by `@prisma/prisma-schema-wasm`, the engine behind `prisma validate` and the official Prisma VS Code extension, and each is reported where Prisma points, in Prisma\'s words. The connection settings that Prisma 5 and 6 projects keep in the datasource block (`url = env("DATABASE_URL")`, `directUrl`, `shadowDatabaseUrl`) are accepted, although Prisma 7 moved them to `prisma.config.ts`. A schema file that is not valid UTF-8 is reported at its first invalid byte.',
      'The command line always checks. In the editor the check runs after a pause in typing, and by default only when the official Prisma extension is not installed (it shows the same errors); the `prismaLens.schemaErrors` setting (`auto`, `always`, `never`) changes that.',
    ].join('\n\n'),
    bad: ['model Post {', '  id       Int   @id', '  rating   Floot', '  authorId Int', '  author   User  @relation(fields: [authorId], references: [id]', '}'].join('\n'),
    good: ['model Post {', '  id       Int   @id', '  rating   Float', '  authorId Int', '  author   User  @relation(fields: [authorId], references: [id])', '}'].join('\n'),
    fixSafety: 'No fix: only the author knows what the broken line was meant to say.',
  },
  check({ schema, facts }) {
    const errors = facts?.prismaValidation;
    if (!errors || errors.length === 0) return [];
    const files = new Map(schema.files.map((file) => [file.uri, file]));
    const findings: RuleFinding[] = [];
    for (const error of errors) {
      const file = files.get(error.uri);
      if (!file) continue;
      if (error.kind === 'encoding') {
        findings.push({
          uri: error.uri,
          span: firstLineOf(file, error),
          message: `Prisma reads "\uFFFD" here instead of what was written: byte ${error.message} is not valid UTF-8.`,
          help: 'Save the file as UTF-8 (convert it from its old encoding, such as Latin-1, or type the character again).',
        });
        continue;
      }
      findings.push({
        uri: error.uri,
        span: firstLineOf(file, error),
        message: `Prisma rejects the schema: ${sentence(error.message)}`,
        help: 'Correct the schema here: until then "prisma generate" and "prisma migrate" stop on it ("prisma validate" shows the same error).',
      });
    }
    return findings;
  },
});

/** The error's span within the file, cut at the end of its first line: a block-long error marks the line that opens it. */
function firstLineOf(file: SchemaFile, error: SchemaError): Span {
  const text = file.text;
  const start = Math.max(0, Math.min(error.start, text.length));
  const end = Math.max(start, Math.min(error.end, text.length));
  const newline = text.indexOf('\n', start);
  const lineEnd = newline < 0 ? text.length : text[newline - 1] === '\r' ? newline - 1 : newline;
  return { start, end: Math.max(start, Math.min(end, lineEnd)) };
}

/** Prisma's message on one line, without its `Error validating:` preamble, ending with a full stop. */
function sentence(message: string): string {
  const text = message.replace(/^Error validating:\s*/, '').replace(/\s+/g, ' ').trim();
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
