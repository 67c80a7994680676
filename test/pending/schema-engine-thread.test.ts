/** The schema engine's worker thread: routes each answer to its call, fails calls in flight with a clear message when stopped, and starts again. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SchemaEngineError } from '../../server/src/engines/schema-engine';
import { SchemaEngineThread } from '../../server/src/engines/schema-engine-thread';

const SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n';

describe('SchemaEngineThread', () => {
  const thread = new SchemaEngineThread();
  after(() => thread.dispose());

  it('fails a call in flight when stopped, then starts again for the next call', async () => {
    const inFlight = assert.rejects(thread.ddlFromEmpty([{ path: 'schema.prisma', text: SCHEMA }]), (error: unknown) => error instanceof SchemaEngineError && /stopped/.test(error.message));
    await thread.dispose();
    await inFlight;
    const ddl = await thread.ddlFromEmpty([{ path: 'schema.prisma', text: SCHEMA }]);
    assert.match(ddl, /CREATE TABLE "User" \(/);
    assert.match(ddl, /CREATE UNIQUE INDEX "User_email_key" ON "User"\("email"\);/);
  });

  it('answers concurrent calls each with its own result', async () => {
    const withName = SCHEMA.replace('  email String @unique\n', '  email String @unique\n  name  String\n');
    const [ddl, added, same] = await Promise.all([
      thread.ddlFromEmpty([{ path: 'schema.prisma', text: SCHEMA }]),
      thread.diff({ kind: 'schema', files: [{ path: 'a.prisma', text: SCHEMA }] }, [{ path: 'b.prisma', text: withName }]),
      thread.diff({ kind: 'schema', files: [{ path: 'a.prisma', text: SCHEMA }] }, [{ path: 'b.prisma', text: SCHEMA }]),
    ]);
    assert.match(ddl, /CREATE TABLE "User"/);
    assert.match(added, /^ALTER TABLE "User" ADD COLUMN\s+"name" TEXT NOT NULL;$/m);
    assert.equal(same, '');
  });

  it('passes the engine message back for an invalid schema', async () => {
    await assert.rejects(thread.ddlFromEmpty([{ path: 'broken.prisma', text: 'model {' }]), (error: unknown) => error instanceof SchemaEngineError && /broken\.prisma/.test(error.message));
  });
});
