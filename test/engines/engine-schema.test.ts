import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { blankConnectionProperties, toEngineSchema } from '../../server/src/engines/engine-schema';

const wasm = require('@prisma/prisma-schema-wasm') as { lint(input: string): string };

function lint(text: string): Array<{ text: string; is_warning: boolean }> {
  return JSON.parse(wasm.lint(JSON.stringify([['schema.prisma', text]])));
}

const prisma6 = `datasource db {
  provider          = "postgresql"
  url               = env("DATABASE_URL") // the app's database
  directUrl         = env("DIRECT_URL")
  shadowDatabaseUrl = env("SHADOW_URL")
}

model User {
  id  Int    @id
  url String // a column called url stays
}
`;

describe('blankConnectionProperties', () => {
  it('makes a Prisma 5/6 datasource acceptable to the Prisma 7 engines', () => {
    assert.ok(lint(prisma6).some((d) => !d.is_warning), 'the engine rejects url = env(...) as it is');
    assert.deepEqual(lint(blankConnectionProperties(prisma6)).filter((d) => !d.is_warning), []);
  });

  it('keeps every offset and line, comments and the model field named url', () => {
    const blanked = blankConnectionProperties(prisma6);
    assert.equal(blanked.length, prisma6.length);
    assert.equal(blanked.split('\n').length, prisma6.split('\n').length);
    assert.match(blanked, /\/\/ the app's database/);
    assert.match(blanked, /url String \/\/ a column called url stays/);
    assert.doesNotMatch(blanked, /env\(/);
  });

  it('handles a one-line datasource, CRLF and strings holding // and }', () => {
    const oneLine = 'datasource db { provider = "postgresql"\r\n url = "postgres://u:p@h/db?x=//}" }\r\n';
    const blanked = blankConnectionProperties(oneLine);
    assert.equal(blanked.length, oneLine.length);
    assert.doesNotMatch(blanked, /postgres:/);
    assert.match(blanked, / }\r\n$/);
    assert.match(blanked, /\r\n/);
  });

  it('leaves a schema without connection properties unchanged', () => {
    const prisma7 = 'datasource db {\n  provider = "sqlite"\n}\n';
    assert.equal(blankConnectionProperties(prisma7), prisma7);
    assert.deepEqual(toEngineSchema([{ path: 'a.prisma', text: prisma7 }]), [{ path: 'a.prisma', text: prisma7 }]);
  });

  it('accepts the bundled example project', () => {
    const text = readFileSync(path.join(__dirname, '../../examples/blog/prisma/schema.prisma'), 'utf8');
    assert.deepEqual(lint(blankConnectionProperties(text)).filter((d) => !d.is_warning), []);
  });
});
