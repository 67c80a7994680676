/**
 * `npm ci` of this repository prints no warning a newcomer would ask about: no dependency in the
 * lock file asks for another Node.js than the one running (npm's EBADENGINE), and every dependency
 * with an install script is named in `allowScripts` (npm's "install scripts not yet covered").
 * Read from package-lock.json, which `npm ci` installs exactly.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines?: { node?: string }; allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; hasInstallScript?: boolean; optional?: boolean; os?: string[]; cpu?: string[] }>;
};
// semver comes with npm's own dependency tree; typed here for the two functions used.
const semver = require('semver') as { satisfies(version: string, range: string, options?: { includePrerelease?: boolean }): boolean };

/** The package name of a lock entry (`node_modules/a/node_modules/@b/c` → `@b/c`). */
function nameOf(location: string): string {
  return location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/** True when npm installs the entry on this machine (optional packages of another platform are skipped). */
function installedHere(entry: { optional?: boolean; os?: string[]; cpu?: string[] }): boolean {
  const allows = (list: string[] | undefined, value: string) => !list || list.some((item) => (item.startsWith('!') ? item.slice(1) !== value : item === value));
  return allows(entry.os, process.platform) && allows(entry.cpu, process.arch);
}

describe('a clean npm ci', () => {
  it('installs no dependency that asks for another Node.js', () => {
    assert.ok(manifest.engines?.node && semver.satisfies(process.versions.node, manifest.engines.node), `this Node.js (${process.versions.node}) is one package.json supports`);
    const refusing = Object.entries(lock.packages).flatMap(([location, entry]) => {
      if (!location || !installedHere(entry) || !entry.engines || Array.isArray(entry.engines) || !entry.engines.node) return [];
      return semver.satisfies(process.versions.node, entry.engines.node, { includePrerelease: true }) ? [] : [`${nameOf(location)}@${entry.version}: node ${entry.engines.node}`];
    });
    assert.deepEqual(refusing, []);
  });

  it('names every dependency with an install script in allowScripts', () => {
    const allowed = new Set(Object.keys(manifest.allowScripts ?? {}).map((key) => key.replace(/(?<=.)@[^@/]*$/, '')));
    const unreviewed = Object.entries(lock.packages).flatMap(([location, entry]) => (location && entry.hasInstallScript && installedHere(entry) && !allowed.has(nameOf(location)) ? [`${nameOf(location)}@${entry.version}`] : []));
    assert.deepEqual(unreviewed, []);
  });
});
