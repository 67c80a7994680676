/** The globs of `.prismalens.json` overrides: each pattern with the paths it must and must not match. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileGlobs, expandBraces, globProblem, matchesGlob } from '../../server/src/analysis/policy/glob';

function expectMatches(pattern: string, matching: readonly string[], notMatching: readonly string[]): void {
  for (const path of matching) assert.ok(matchesGlob(pattern, path), `${pattern} should match ${path}`);
  for (const path of notMatching) assert.ok(!matchesGlob(pattern, path), `${pattern} should not match ${path}`);
}

describe('override globs', () => {
  it('* and ? stay within one name', () => {
    expectMatches('src/*.ts', ['src/a.ts', 'src/.hidden.ts', 'src/a.b.ts'], ['src/a/b.ts', 'src/a.tsx', 'lib/src/a.ts', 'a.ts']);
    expectMatches('src/?.ts', ['src/a.ts'], ['src/ab.ts', 'src/.ts', 'src//.ts']);
  });

  it('** spans any number of folders, none included', () => {
    expectMatches('**/*.spec.ts', ['a.spec.ts', 'src/a.spec.ts', 'src/deep/er/a.spec.ts'], ['src/a.spec.tsx', 'src/a.test.ts', 'src/spec.ts']);
    expectMatches('tests/**', ['tests/a.ts', 'tests/x/y/z.ts', 'tests'], ['src/tests.ts', 'test/a.ts', 'src/tests/a.ts']);
    expectMatches('src/**/db/*.ts', ['src/db/a.ts', 'src/x/db/a.ts', 'src/x/y/db/a.ts'], ['src/db/x/a.ts', 'lib/db/a.ts', 'src/xdb/a.ts']);
    expectMatches('**', ['a.ts', 'a/b/c.ts'], []);
    expectMatches('src/**/**/a.ts', ['src/a.ts', 'src/x/a.ts'], ['a.ts']);
  });

  it('a pattern without a slash matches at any depth; one with a slash is anchored at the configuration folder', () => {
    expectMatches('*.spec.ts', ['a.spec.ts', 'src/x/a.spec.ts'], ['a.spec.tsx']);
    expectMatches('src/a.ts', ['src/a.ts'], ['x/src/a.ts']);
    expectMatches('/a.ts', ['a.ts'], ['src/a.ts']);
    expectMatches('./prisma/seed.ts', ['prisma/seed.ts'], ['x/prisma/seed.ts']);
  });

  it('a pattern that matches a folder matches everything in it; a trailing slash matches folders only', () => {
    expectMatches('tests', ['tests/a.ts', 'src/tests/x/a.ts', 'tests'], ['tests.ts', 'src/mytests/a.ts']);
    expectMatches('src/legacy', ['src/legacy/a.ts', 'src/legacy/x/b.ts'], ['src/legacy.ts', 'x/src/legacy/a.ts']);
    expectMatches('scripts/', ['scripts/a.ts', 'tools/scripts/x/a.ts'], ['scripts', 'src/scripts.ts']);
    expectMatches('prisma/migrations/2023*', ['prisma/migrations/20230101_init/migration.sql'], ['prisma/migrations/20240101_init/migration.sql']);
  });

  it('{a,b} lists alternatives, nested ones too; a brace with no comma is literal', () => {
    expectMatches('src/*.{test,spec}.{ts,tsx}', ['src/a.test.ts', 'src/a.spec.tsx'], ['src/a.e2e.ts', 'src/a.test.js']);
    expectMatches('{src,lib}/{a,b{1,2}}.ts', ['src/a.ts', 'lib/b1.ts', 'lib/b2.ts'], ['src/b.ts', 'app/a.ts']);
    expectMatches('{tests,e2e}/**', ['tests/a.ts', 'e2e/x/b.ts'], ['src/a.ts']);
    expectMatches('src/{a}.ts', ['src/{a}.ts'], ['src/a.ts']);
    assert.deepEqual(expandBraces('a{b,c}d{e,f}'), ['abde', 'abdf', 'acde', 'acdf']);
    assert.deepEqual(expandBraces('a{b,c'), ['a{b,c']);
  });

  it('[…] is a character class, [!…] its complement; regular-expression characters are literal', () => {
    expectMatches('v[0-9].ts', ['v1.ts'], ['va.ts', 'v10.ts']);
    expectMatches('v[!0-9].ts', ['va.ts'], ['v1.ts']);
    expectMatches('a+(b).ts', ['a+(b).ts'], ['aab.ts', 'a(b).ts']);
    expectMatches('a.ts', ['a.ts'], ['abts', 'a-ts']);
    expectMatches('[ab', ['[ab'], ['a']);
  });

  it('matches nothing outside the configuration folder, and any of several patterns', () => {
    const matcher = compileGlobs(['tests/**', '**/*.spec.ts']);
    assert.ok(matcher('tests/a.ts'));
    assert.ok(matcher('src/a.spec.ts'));
    assert.ok(!matcher('src/a.ts'));
    assert.ok(!matcher('../tests/a.ts'));
    assert.ok(!matcher(''));
  });

  it('explains the patterns it cannot use, and leaves them out', () => {
    assert.match(globProblem('!tests/**')!, /Negated patterns are not supported/);
    assert.match(globProblem('../shared/**')!, /cannot reach above it/);
    assert.match(globProblem('  ')!, /empty pattern/);
    assert.match(globProblem('v[z-a].ts')!, /range runs backwards/);
    assert.ok(compileGlobs(['v[z-a].ts', 'v[a-z].ts'])('vz.ts'), 'the valid pattern still applies');
    assert.ok(!matchesGlob('v[z-a].ts', 'vz.ts'));
    assert.equal(globProblem('tests/**'), undefined);
    assert.ok(!compileGlobs(['!src/**'])('src/a.ts'));
  });
});
