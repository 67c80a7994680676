/** Marker tests for schema-error: Prisma's validation errors, supplied as facts by the host, become findings where Prisma points. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SchemaError } from '../../server/src/analysis/facts/workspace-facts';
import missingFkIndex from '../../server/src/analysis/rules/missing-fk-index';
import rule from '../../server/src/analysis/rules/schema-error';
import type { SchemaFile } from '../../server/src/analysis/schema/model';
import { check, findingsOf, FIXTURE_ROOT, parseFixture } from '../support/fixture';

/** An error of Prisma's validation on the text `needle` of `path` (its first occurrence), as the engine adapter reports it. */
function errorAt(files: readonly SchemaFile[], path: string, needle: string, message: string, kind?: 'encoding'): SchemaError {
  const file = files.find((candidate) => candidate.uri === FIXTURE_ROOT + path);
  assert.ok(file, `no file ${path}`);
  const start = file.text.indexOf(needle);
  assert.ok(start >= 0, `no ${needle} in ${path}`);
  return { uri: file.uri, start, end: start + needle.length, message, ...(kind ? { kind } : {}) };
}

const UNKNOWN_TYPE = 'Type "Floot" is neither a built-in type, nor refers to another model, composite type, or enum.';
const NOT_A_FIELD = 'Error validating: This line is not a valid field or attribute definition.';

describe('schema-error', () => {
  it("reports each of Prisma's errors where it points, and the intact models keep their findings", () => {
    check(
      [rule, missingFkIndex],
      `
datasource db {
  provider = "postgresql"
}
model User {
  id    Int    @id
  posts Post[]
  @@@
//^^^ error: Prisma rejects the schema: This line is not a valid field or attribute definition.
}
model Post {
  id       Int   @id
  rating   Floot
//         ^^^^^ error: Prisma rejects the schema: Type "Floot" is neither a built-in type
  authorId Int
//^^^^^^^^ warning: "Post.authorId" has no index
  author   User  @relation(fields: [authorId], references: [id], onDelete: Cascade)
}
`,
      { facts: (files) => ({ prismaValidation: [errorAt(files, 'schema.prisma', '@@@', NOT_A_FIELD), errorAt(files, 'schema.prisma', 'Floot', UNKNOWN_TYPE)] }) },
    );
  });

  it('reports nothing without the facts, or with none in them', () => {
    const broken = `
model Post {
  id     Int   @id
  rating Floot
  @@@
}
`;
    check(rule, broken);
    check(rule, broken, { facts: () => ({ queries: [] }) });
    check(rule, broken, { facts: () => ({ prismaValidation: [] }) });
  });

  it('marks an error that spans several lines on its first line', () => {
    check(
      rule,
      `
model Comment {
  id     Int  @id
  postId Int
  post   Post @relation(fields: [postId], references: [id]
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: Prisma rejects the schema: This line is not a valid field or attribute definition.
}
`,
      {
        facts: (files) => {
          const error = errorAt(files, 'schema.prisma', 'post   Post', NOT_A_FIELD);
          // As Prisma does for an unclosed attribute, the span runs on to the end of the block.
          return { prismaValidation: [{ ...error, end: files[0]!.text.length }] };
        },
      },
    );
  });

  it('reports in the file the error names, and only in files of the schema', () => {
    check(
      rule,
      `
//- prisma/schema/main.prisma
datasource db {
  provider = "postgresql"
}
//- prisma/schema/post.prisma
model Post {
  id     Int   @id
  rating Floot
//       ^^^^^ error: Type "Floot"
}
`,
      {
        facts: (files) => ({
          prismaValidation: [errorAt(files, 'prisma/schema/post.prisma', 'Floot', UNKNOWN_TYPE), { uri: `${FIXTURE_ROOT}prisma/schema/gone.prisma`, start: 0, end: 5, message: UNKNOWN_TYPE }],
        }),
      },
    );
  });

  it('says which byte is not UTF-8', () => {
    const [finding] = check(
      rule,
      `
// caf\uFFFD
//    ^ error: Prisma reads "\uFFFD" here instead of what was written: byte 0xE9 is not valid UTF-8.
model Post {
  id Int @id
}
`,
      { facts: (files) => ({ prismaValidation: [errorAt(files, 'schema.prisma', '\uFFFD', '0xE9', 'encoding')] }) },
    );
    assert.match(finding!.help, /UTF-8/);
  });

  it('keeps positions inside the text when the facts point past its end', () => {
    const { files } = parseFixture('model Post {\n  id Int @id\n}\n');
    const end = files[0]!.text.length;
    const findings = findingsOf(rule, files, { facts: () => ({ prismaValidation: [{ uri: files[0]!.uri, start: end + 10, end: end + 20, message: 'Unexpected end of file' }] }) });
    assert.deepEqual(findings.map((finding) => finding.span), [{ start: end, end }]);
    assert.equal(findings[0]!.message, 'Prisma rejects the schema: Unexpected end of file.');
  });
});
