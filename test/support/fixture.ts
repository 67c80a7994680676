/**
 * rust-analyzer-style fixtures: `//- path` starts a file, and a `//  ^^^ severity: text` line marks
 * the exact columns of a finding on the line above it; `//  ~~~ ok: why` marks code that must stay
 * silent. Marker lines are removed before analysis. A fixture may mix `.prisma` files and code files
 * (`.ts`, `.tsx`, `.js`…): schema rules read the former, code rules the latter against the schema
 * built from the fixture's `.prisma` files.
 */
import assert from 'node:assert/strict';
import { analyzeCode, analyzeMigration, analyzeSchema, safeFixEdits, summarizeCode } from '../../server/src/analysis/analyze';
import { WorkspaceCalls } from '../../server/src/analysis/facts/workspace-calls';
import { workspaceQueries, type SchemaFacts } from '../../server/src/analysis/facts/workspace-facts';
import type { MigrationContext } from '../../server/src/analysis/migrations/context';
import { isCodeRule, isMigrationRule, isSchemaRule, type Finding, type Rule, type TextEdit } from '../../server/src/analysis/rules/types';
import { buildSchema } from '../../server/src/analysis/schema/build';
import type { SchemaFile } from '../../server/src/analysis/schema/model';
import { LineIndex } from '../../server/src/analysis/text';

export interface Marker {
  path: string;
  line: number;
  startCharacter: number;
  endCharacter: number;
  severity: string;
  text: string;
}

export interface Fixture {
  files: SchemaFile[];
  markers: Marker[];
  /** `~~~ ok: why` markers: code that must produce no finding (severity is `ok`). */
  silent: Marker[];
}

const MARKER = /^(\s*(?:\/\/|--)\s*)(\^+)\s+(error|warning|info|hint):\s*(.*?)\s*$/;
const SILENT_MARKER = /^(\s*(?:\/\/|--)\s*)(~+)\s+ok:\s*(.*?)\s*$/;
const FILE_HEADER = /^\/\/- (\S+)\s*$/;
const CODE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
export const FIXTURE_ROOT = 'file:///fixture/';

/** Migration SQL files (`.sql`) take `--` markers and are checked by migration rules. */
export function isSqlFile(file: SchemaFile): boolean {
  return /\.sql$/.test(file.uri);
}

/** Settings for migration rules in fixtures (PostgreSQL version, undeployed tables). */
export const fixtureMigrationContext: { current: MigrationContext } = { current: {} };

export function isCodeFile(file: SchemaFile): boolean {
  return CODE_FILE.test(file.uri);
}

/** Splits a fixture into files (default `schema.prisma`) and markers. */
export function parseFixture(fixture: string): Fixture {
  const sections: { path: string; lines: string[] }[] = [];
  const markers: Marker[] = [];
  const silent: Marker[] = [];
  let current: { path: string; lines: string[] } | undefined;
  for (const raw of fixture.replace(/^\n/, '').split('\n')) {
    const header = FILE_HEADER.exec(raw);
    if (header) {
      current = { path: header[1]!, lines: [] };
      sections.push(current);
      continue;
    }
    if (!current) {
      current = { path: 'schema.prisma', lines: [] };
      sections.push(current);
    }
    const marker = MARKER.exec(raw);
    if (marker && current.lines.length > 0) {
      const start = marker[1]!.length;
      markers.push({
        path: current.path,
        line: current.lines.length - 1,
        startCharacter: start,
        endCharacter: start + marker[2]!.length,
        severity: marker[3]!,
        text: marker[4]!,
      });
      continue;
    }
    const quiet = SILENT_MARKER.exec(raw);
    if (quiet && current.lines.length > 0) {
      const start = quiet[1]!.length;
      silent.push({ path: current.path, line: current.lines.length - 1, startCharacter: start, endCharacter: start + quiet[2]!.length, severity: 'ok', text: quiet[3]! });
      continue;
    }
    current.lines.push(raw);
  }
  const files = sections.map((section) => ({ uri: FIXTURE_ROOT + section.path, text: section.lines.join('\n'), version: 1 }));
  return { files, markers, silent };
}

export interface FixtureOptions {
  /** The facts the host would supply to the schema rules, made from the fixture's files (marker lines removed). */
  facts?: (files: readonly SchemaFile[]) => SchemaFacts;
}

/** The texts of the fixture's `<folder>/migrations/<name>/migration.sql` files that sort before `file`'s, oldest first. */
function earlierInFolder(file: SchemaFile, sqlFiles: readonly SchemaFile[]): string[] {
  const place = (uri: string) => /^(.*\/migrations\/)([^/]+)\/migration\.sql$/.exec(uri);
  const own = place(file.uri);
  if (!own) return [];
  return sqlFiles
    .map((other) => ({ other, at: place(other.uri) }))
    .filter(({ at }) => at && at[1] === own[1] && at[2]! < own[2]!)
    .sort((a, b) => (a.at![2]! < b.at![2]! ? -1 : 1))
    .map(({ other }) => other.text);
}

/** The findings of `rules` over a fixture's files: schema rules over its schema, code rules over each code file. */
export function findingsOf(rule: Rule | readonly Rule[], files: SchemaFile[], options: FixtureOptions = {}): Finding[] {
  const rules = Array.isArray(rule) ? (rule as readonly Rule[]) : [rule as Rule];
  const schemaFiles = files.filter((file) => !isCodeFile(file) && !isSqlFile(file));
  const codeFiles = files.filter(isCodeFile);
  const findings: Finding[] = [];
  const schemaRules = rules.filter(isSchemaRule);
  if (schemaRules.length) {
    const analysis = analyzeSchema(schemaFiles, { rules: schemaRules, facts: options.facts?.(schemaFiles) });
    assert.deepEqual(analysis.errors, [], 'rules must not throw');
    findings.push(...analysis.findings);
  }
  const migrationRules = rules.filter(isMigrationRule);
  if (migrationRules.length) {
    const sqlFiles = files.filter(isSqlFile);
    for (const file of sqlFiles) {
      // As in a project: the migrations before this one in its folder are its history.
      const earlierMigrations = earlierInFolder(file, sqlFiles);
      const analysis = analyzeMigration(file.text, { earlierMigrations, ...fixtureMigrationContext.current, uri: file.uri }, { rules: migrationRules });
      assert.deepEqual(analysis.errors, [], 'rules must not throw');
      assert.deepEqual(analysis.parseErrors, [], 'fixture SQL must parse');
      findings.push(...analysis.findings);
    }
  }
  const codeRules = rules.filter(isCodeRule);
  if (codeRules.length) {
    const schema = schemaFiles.length ? buildSchema(schemaFiles) : undefined;
    // The host summarises every code file of the workspace, so that calls into other files are followed.
    const workspaceCalls = new WorkspaceCalls(codeFiles.flatMap((file) => summarizeCode(file, schema) ?? []));
    for (const file of codeFiles) {
      const analysis = analyzeCode(file, schema, { rules: codeRules, workspaceCalls });
      assert.deepEqual(analysis.errors, [], 'rules must not throw');
      findings.push(...analysis.findings);
    }
  }
  return findings;
}

/** Asserts that `rule` reports exactly the findings the markers describe: no more, no fewer. */
export function check(rule: Rule | readonly Rule[], fixture: string, options: FixtureOptions = {}): Finding[] {
  const { files, markers } = parseFixture(fixture);
  const findings = findingsOf(rule, files, options);
  const actual = findings.map((finding) => describeFinding(finding, files)).sort();
  const expected = markers
    .map((marker) => `${marker.path}:${marker.line}:${marker.startCharacter}-${marker.endCharacter} ${marker.severity}`)
    .sort();
  assert.deepEqual(
    actual.map((line) => line.split(' :: ')[0]),
    expected,
    `findings differ from markers:\n${actual.join('\n') || '(none)'}`,
  );
  for (const marker of markers) {
    const finding = findings.find((candidate) => describeFinding(candidate, files).startsWith(`${marker.path}:${marker.line}:${marker.startCharacter}-`));
    assert.ok(finding?.message.includes(marker.text), `message "${finding?.message}" should contain "${marker.text}"`);
  }
  return findings;
}

/**
 * Checks a schema rule that reads the workspace's queries: the facts are built from the fixture's
 * code files the way the workspace index builds them (none: an empty list), then the schema is
 * checked with them against the markers.
 */
export function checkWithQueries(rule: Rule, fixture: string): Finding[] {
  const { files, markers } = parseFixture(fixture);
  const schemaFiles = files.filter((file) => file.uri.endsWith('.prisma'));
  const schema = buildSchema(schemaFiles);
  const queries = files.filter((file) => !file.uri.endsWith('.prisma')).flatMap((file) => workspaceQueries(analyzeCode(file, schema, { rules: [] }).querySites, schema));
  const findings = analyzeSchema(schemaFiles, { rules: [rule], facts: { queries } }).findings;
  const actual = findings.map((finding) => describeFinding(finding, files).split(' :: ')[0]).sort();
  const expected = markers.map((marker) => `${marker.path}:${marker.line}:${marker.startCharacter}-${marker.endCharacter} ${marker.severity}`).sort();
  assert.deepEqual(actual, expected, findings.map((finding) => describeFinding(finding, files)).join('\n'));
  for (const marker of markers) {
    const finding = findings.find((candidate) => describeFinding(candidate, files).startsWith(`${marker.path}:${marker.line}:${marker.startCharacter}-`));
    assert.ok(finding?.message.includes(marker.text), `message "${finding?.message}" should contain "${marker.text}"`);
  }
  return findings;
}

export function describeFinding(finding: Finding, files: SchemaFile[]): string {
  const file = files.find((candidate) => candidate.uri === finding.uri)!;
  const index = new LineIndex(file.text);
  const start = index.positionAt(finding.span.start);
  const end = index.positionAt(finding.span.end);
  assert.equal(start.line, end.line, 'findings span one line');
  return `${finding.uri.slice(FIXTURE_ROOT.length)}:${start.line}:${start.character}-${end.character} ${finding.severity} :: ${finding.message}`;
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  }
  return result;
}

/** Applies the fix titled `title` (or the only fix) of the single finding and compares the file's text. */
export function checkFix(rule: Rule | readonly Rule[], before: string, after: string, title?: string): void {
  const { files } = parseFixture(before);
  const findings = findingsOf(rule, files);
  const fixes = findings.flatMap((finding) => finding.fixes ?? []).filter((fix) => title === undefined || fix.title === title);
  assert.equal(fixes.length, 1, `expected one fix${title ? ` titled "${title}"` : ''}, got: ${fixes.map((fix) => fix.title).join(', ')}`);
  const fix = fixes[0]!;
  const file = files.find((candidate) => candidate.uri === fix.edits[0]!.uri)!;
  assert.equal(applyEdits(file.text, fix.edits), stripLeadingNewline(after));
}

/** Applies every safe fix of the first file at once, as "fix all in file" does. */
export function checkFixAll(rule: Rule, before: string, after: string): void {
  const { files } = parseFixture(before);
  const file = files[0]!;
  const edits = safeFixEdits(findingsOf(rule, files), file.uri);
  const fixed = applyEdits(file.text, edits);
  assert.equal(fixed, stripLeadingNewline(after));
  assert.deepEqual(findingsOf(rule, [{ ...file, text: fixed }, ...files.slice(1)]), [], 'fix all leaves nothing to fix');
}

function stripLeadingNewline(text: string): string {
  return text.replace(/^\n/, '');
}
