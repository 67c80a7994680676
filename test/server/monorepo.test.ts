/**
 * The language server on a monorepo: each code file of the app is analysed against the schema of
 * the package it imports, with the findings the CLI reports for the same files, whether the editor
 * opened the monorepo or the app folder alone; an edited import moves the file to the other schema.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { main, type CliIo } from '../../server/src/cli/main';
import { acmeMonorepo, APP_QUERIES } from '../workspace/monorepos';
import { removeTempProjects } from '../workspace/tempProject';
import { LspTestClient } from './lspClient';

after(removeTempProjects);

/** `file:line rule` of every code finding the CLI reports for the monorepo, paths relative to its root. */
async function cliCodeFindings(root: string): Promise<string[]> {
  const out: string[] = [];
  const io: CliIo = { cwd: root, env: {}, stdout: { write: (text: string) => out.push(text) }, stderr: { write: () => undefined } };
  await main(['check', '.', '--format', 'json'], io);
  const { findings } = JSON.parse(out.join('')) as { findings: { file: string; line: number; rule: string }[] };
  return findings.filter((finding) => finding.file.endsWith('.ts')).map((finding) => `${finding.file}:${finding.line} ${finding.rule}`).sort();
}

async function editorCodeFindings(client: LspTestClient, root: string): Promise<string[]> {
  const found: string[] = [];
  for (const relative of Object.keys(APP_QUERIES)) {
    const file = path.join(root, ...relative.split('/'));
    const uri = pathToFileURL(file).toString();
    await client.open(uri, readFileSync(file, 'utf8'), 'typescript');
    const report = await client.pull(uri);
    for (const item of report.items as { code?: string; range: { start: { line: number } } }[]) found.push(`${relative}:${item.range.start.line + 1} ${item.code}`);
  }
  return found.sort();
}

describe('language server over stdio: a monorepo', () => {
  for (const opened of ['the monorepo', 'the app folder alone']) {
    it(`joins each app file to the schema it imports, with the CLI's findings (${opened})`, async () => {
      const root = await acmeMonorepo('npm');
      const client = new LspTestClient();
      try {
        await client.initialize(opened === 'the monorepo' ? root : path.join(root, 'apps', 'web'), { pull: true });
        const editor = await editorCodeFindings(client, root);
        assert.deepEqual(editor, await cliCodeFindings(root));
        assert.equal(editor.length, Object.keys(APP_QUERIES).length);
      } finally {
        await client.close();
      }
    });
  }

  it('follows an edited import to the other package\'s schema', async () => {
    const root = await acmeMonorepo('npm');
    const client = new LspTestClient();
    try {
      await client.initialize(root, { pull: true });
      const uri = pathToFileURL(path.join(root, 'apps', 'web', 'src', 'users.ts')).toString();
      const byBilling = `import { billingDb } from '@acme/billing';\n\nexport async function byEmail(number: string) {\n  return billingDb.invoice.findMany({ where: { number } });\n}\n`;
      await client.open(uri, byBilling.replace('billingDb } from \'@acme/billing\'', 'billingDb } from \'@acme/db\''), 'typescript');
      // Against the db schema there is no Invoice model, so no finding.
      assert.deepEqual((await client.pull(uri)).items, []);
      await client.change(uri, 2, byBilling);
      const items = (await client.pull(uri)).items as { code?: string; message: string }[];
      assert.deepEqual(items.map((item) => item.code), ['unindexed-query']);
      assert.match(items[0]!.message, /"Invoice"/);
    } finally {
      await client.close();
    }
  });
});
