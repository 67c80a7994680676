/**
 * The built .vsix holds every file its manifest names and every file its bundles load by name, so
 * that an installed extension finds its grammar, its settings schema and its engines.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { before, describe, it } from 'node:test';
import { rules } from '../../server/src/analysis/rules/index';
import { compressedCopyName } from '../../server/src/engines/pglite-initial-data';
import { extensionPackage } from '../e2e/extensionPackage';
import { packagedFiles, type PackagedFile } from './vsix-contents';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;

interface Manifest {
  main?: string;
  browser?: string;
  icon?: string;
  contributes?: {
    languages?: { configuration?: string; icon?: { light: string; dark: string } }[];
    grammars?: { path: string }[];
    jsonValidation?: { url: string }[];
    snippets?: { path: string }[];
    commands?: { icon?: string | { light: string; dark: string } }[];
  };
}

/** A path of the manifest (`./dist/extension.js`) as it appears in the package (`dist/extension.js`). */
function packagePath(path: string): string {
  return posix.normalize(path).replace(/^\.\//, '');
}

function isLocal(url: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(url);
}

/** Every local file the manifest names, with where it names it. */
function filesNamedByManifest(): [where: string, path: string][] {
  const named: [string, string | undefined][] = [
    ['main', manifest.main],
    ['browser', manifest.browser],
    ['icon', manifest.icon],
  ];
  const contributes = manifest.contributes ?? {};
  contributes.languages?.forEach((language, index) => {
    named.push([`contributes.languages[${index}].configuration`, language.configuration]);
    named.push([`contributes.languages[${index}].icon.light`, language.icon?.light], [`contributes.languages[${index}].icon.dark`, language.icon?.dark]);
  });
  contributes.grammars?.forEach((grammar, index) => named.push([`contributes.grammars[${index}].path`, grammar.path]));
  contributes.jsonValidation?.forEach((validation, index) => named.push([`contributes.jsonValidation[${index}].url`, isLocal(validation.url) ? validation.url : undefined]));
  contributes.snippets?.forEach((snippet, index) => named.push([`contributes.snippets[${index}].path`, snippet.path]));
  contributes.commands?.forEach((command, index) => {
    const icon = command.icon;
    if (typeof icon === 'string') {
      // `$(graph)` names one of VS Code's own icons, not a file.
      if (!/^\$\([\w~-]+\)$/.test(icon)) named.push([`contributes.commands[${index}].icon`, icon]);
    } else if (icon) named.push([`contributes.commands[${index}].icon.light`, icon.light], [`contributes.commands[${index}].icon.dark`, icon.dark]);
  });
  return named.filter((entry): entry is [string, string] => entry[1] !== undefined).map(([where, path]) => [where, packagePath(path)]);
}

/** Files the bundles open by a name beside themselves: the file names their text quotes that the build put in dist/. */
function siblingsLoadedBy(bundle: string, text: string): string[] {
  const quoted = [...text.matchAll(/["'`/]([A-Za-z0-9_][A-Za-z0-9_.-]*\.(?:js|wasm|data|gz|br|css))["'`]/g)].map((match) => match[1]!);
  return [...new Set(quoted)].filter((name) => name !== posix.basename(bundle) && existsSync(join(root, 'dist', name))).map((name) => `dist/${name}`);
}

describe('the .vsix', () => {
  let vsix: string;
  let files: PackagedFile[];
  let paths: Set<string>;

  before(() => {
    vsix = extensionPackage();
    files = packagedFiles(vsix);
    paths = new Set(files.map((file) => file.path));
  });

  it('holds every file package.json names', () => {
    const missing = filesNamedByManifest().filter(([, path]) => !paths.has(path));
    assert.deepEqual(missing, [], `named in package.json but not in ${vsix} (see .vscodeignore)`);
  });

  it('names the settings schema of .prismalens.json and holds it', () => {
    const urls = (manifest.contributes?.jsonValidation ?? []).map((validation) => validation.url);
    assert.ok(urls.some((url) => isLocal(url) && paths.has(packagePath(url))), 'jsonValidation points at a schema inside the package');
  });

  it('holds the files the bundles load beside themselves', () => {
    const missing: string[] = [];
    for (const bundle of files.filter((file) => /^dist\/[^/]+\.js$/.test(file.path))) {
      const text = bundle.read().toString('utf8');
      for (const sibling of siblingsLoadedBy(bundle.path, text)) {
        if (!paths.has(sibling) && !paths.has(compressedCopyName(sibling))) missing.push(`${sibling} (loaded by ${bundle.path})`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('holds the language server the client starts and the documentation page of every rule', () => {
    const expected = ['dist/server.js', ...rules.map((rule) => `docs/rules/${rule.id}.md`)];
    assert.deepEqual(expected.filter((path) => !paths.has(path)), []);
  });

  it('is at most 12 MB (as vsce counts them, 2^20 bytes each)', () => {
    const size = statSync(vsix).size;
    const largest = [...files].sort((a, b) => b.compressedSize - a.compressedSize).slice(0, 5).map((file) => `${file.path} ${(file.compressedSize / 2 ** 20).toFixed(2)} MB`);
    assert.ok(size <= 12 * 2 ** 20, `${(size / 2 ** 20).toFixed(2)} MB; largest: ${largest.join(', ')}`);
  });

  it('leaves the CLI out: the extension never runs it', () => {
    assert.deepEqual([...paths].filter((path) => /^dist\/cli[^/]*\.js$/.test(path)), []);
  });

  it('holds the images the README shows', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter(isLocal).map(packagePath);
    assert.deepEqual(images.filter((path) => !paths.has(path)), []);
  });
});
