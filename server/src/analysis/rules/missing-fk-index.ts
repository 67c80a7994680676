/** Flags foreign keys that no index covers, so parent lookups and referential actions scan the child table. */
import type { Datasource, Index, Model, Relation } from '../schema/model';
import { addIndexEdit } from '../facts/schema-edits';
import { ForeignKeyUsage } from '../facts/foreign-key-usage';
import { defineModelRule, findingSeverity, type Finding, type Fix, type RuleFinding } from './types';

/** Index types whose B-tree or hash structure answers `fk = $1` lookups. */
const LOOKUP_INDEX_TYPES = new Set([undefined, 'BTree', 'Hash']);

export default defineModelRule({
  id: 'missing-fk-index',
  appliesTo: ['prisma'],
  severity: 'warning',
  docs: {
    summary: 'Foreign-key fields that no index covers as its leading columns.',
    why: [
      'PostgreSQL, SQLite, SQL Server and CockroachDB create an index for a primary key and a unique constraint, but never for a foreign key.',
      'Without one, every query that loads a parent\'s children (`include: { posts: true }`, `where: { authorId }`) and every delete or key update of a parent row (to apply `ON DELETE`/`ON UPDATE`) reads the whole child table.',
      'MySQL\'s InnoDB indexes foreign keys by itself, so the rule is silent there, unless `relationMode = "prisma"`: then there are no foreign keys in the database, Prisma emulates the referential actions with queries, and nothing indexes the column.',
      'An index covers the foreign key when the key\'s fields are its leading columns, in any order: `@@index([authorId])`, `@@index([authorId, createdAt])`, `@@unique([authorId, slug])` or `@@id([authorId, tagId])` all do; `@@unique([slug, authorId])` does not, and neither do full-text, GIN, GiST or BRIN indexes. A composite key that an index starts with one column of (`@@index([tenantId])` for `(tenantId, region)`) is found through that index, not by reading the whole table: info.',
      'Where the workspace\'s code is known (the CLI checking a project with its code, the editor once it has indexed the workspace), a key that no query needs yet is reported as info: no query filters the child by it (a relation filter such as `author: { email }` counts), none loads the relation (`include`, `select`, `_count`), and none deletes a parent row, itself or through an `onDelete: Cascade` from further up. What the analysis cannot see counts as a use, so the warning stays: raw SQL that names the child\'s table (a read, and a delete when it deletes), a filter or an `include` built elsewhere (on the child, its parent or a table related to the child), and a parent or child table that no query of the workspace is seen on (its code may use another client or live in another package).',
    ].join('\n\n'),
    bad: [
      'model Post {',
      '  id       Int  @id @default(autoincrement())',
      '  authorId Int',
      '  author   User @relation(fields: [authorId], references: [id])',
      '}',
    ].join('\n'),
    good: [
      'model Post {',
      '  id       Int  @id @default(autoincrement())',
      '  authorId Int',
      '  author   User @relation(fields: [authorId], references: [id])',
      '',
      '  @@index([authorId])',
      '}',
    ].join('\n'),
    fixSafety:
      'Safe: adding `@@index([…])` to the model changes no query result. The next migration will run `CREATE INDEX`, which blocks writes to the table while it builds; on a large production table, create it with `CREATE INDEX CONCURRENTLY` in a migration of its own.',
  },
  withQueries(findings, { schema, queries }) {
    const usage = ForeignKeyUsage.of(schema, queries);
    if (!usage) return [...findings];
    // Each finding is at its foreign key's first field.
    const byPlace = new Map(schema.relations.filter((relation) => relation.fkFields.length > 0).map((relation) => [`${relation.model.uri}#${relation.fkFields[0]!.nameSpan.start}`, relation]));
    return findings.map((finding) => {
      const relation = byPlace.get(`${finding.uri}#${finding.span.start}`);
      return relation && usage.idle(relation) ? idleFinding(finding, relation) : finding;
    });
  },
  checkModel({ schema, model, text, relations }) {
    if (model.kind !== 'model' || relations.length === 0 || !foreignKeysNeedIndexes(schema.datasource)) return [];
    const findings: RuleFinding[] = [];
    const reported = new Set<string>();
    for (const relation of relations) {
      const columns = relation.fkFields.map((field) => field.name);
      if (isCovered(model.indexes, columns)) continue;
      const key = columns.length === 1 ? columns[0]! : [...columns].sort().join(',');
      if (reported.has(key)) continue;
      reported.add(key);
      const partly = columns.length > 1 ? leadingColumn(model.indexes, columns) : undefined;
      findings.push(partly === undefined ? findingFor(relation, schema.datasource, columns, text) : partlyCoveredFinding(relation, schema.datasource, columns, text, partly));
    }
    return findings;
  },
});

/**
 * A missing index no query of the workspace needs yet: nothing filters the child by the key or loads
 * it through the relation, and nothing deletes the parent (itself or by a cascade). True, but idle:
 * info, until code starts to read by the key.
 */
function idleFinding(finding: Finding, relation: Relation): Finding {
  const { model, target, opposite } = relation;
  const key = relation.fkFields.map((field) => field.name).join('", "');
  const loads = opposite ? `, loads "${target.name}.${opposite.name}"` : '';
  return {
    ...finding,
    idle: true,
    severity: findingSeverity({ idle: true }, finding.severity),
    message: `${finding.message} No query in the workspace needs it yet.`,
    help: `Reported as info: no query in the workspace filters "${model.name}" by "${key}"${loads} or deletes a "${target.name}" (raw SQL that names the table counts). ${finding.help}`,
  };
}

function foreignKeysNeedIndexes(datasource: Datasource | undefined): boolean {
  if (datasource?.provider === 'mongodb') return false;
  if (datasource?.provider === 'mysql') return datasource.relationMode === 'prisma';
  return true;
}

/** True when some index's leading columns are exactly the foreign-key fields, in any order. */
export function isCovered(indexes: readonly Index[], columns: readonly string[]): boolean {
  return indexes.some((index) => {
    if (!isLookupIndex(index) || index.fields.length < columns.length) return false;
    // Most foreign keys have one column: compare it without building a set.
    if (columns.length === 1) return index.fields[0]!.name === columns[0];
    const leading = new Set(index.fields.slice(0, columns.length).map((field) => field.name));
    return columns.every((column) => leading.has(column));
  });
}

function findingFor(relation: Relation, datasource: Datasource | undefined, columns: string[], text: string): RuleFinding {
  const { model, target, opposite } = relation;
  const first = relation.fkFields[0]!;
  const subject = columns.length === 1 ? `"${model.name}.${first.name}"` : `"${model.name}(${columns.join(', ')})"`;
  const table = model.dbName === model.name ? `all of "${model.name}"` : `the whole "${model.dbName}" table`;
  const loading = opposite ? `loading "${target.name}.${opposite.name}"` : `finding its "${model.name}" rows`;
  const action = referentialAction(relation);
  const deleting =
    datasource?.relationMode === 'prisma'
      ? `Prisma emulates ${action} with a query on each delete from "${target.name}" (relationMode = "prisma").`
      : `Each delete or key update on "${target.name}" looks up its "${model.name}" rows to apply ${action}.`;
  const indexText = `@@index([${columns.join(', ')}])`;
  return {
    uri: model.uri,
    span: first.nameSpan,
    message: `Deleting from "${target.name}" or ${loading} scans ${table}: ${subject} has no index.`,
    help: `Add "${indexText}" to model "${model.name}". ${deleting}`,
    fixes: insertIndexFix(model, relation, indexText, text),
  };
}

/** An index whose B-tree or hash structure answers `key = $1`: not a full-text, GIN, GiST or BRIN one. */
function isLookupIndex(index: Index): boolean {
  return index.kind !== 'fulltext' && LOOKUP_INDEX_TYPES.has(index.type);
}

/** The column of a composite key that some index starts with (`@@index([tenantId])` for `(tenantId, region)`), if any. */
function leadingColumn(indexes: readonly Index[], columns: readonly string[]): string | undefined {
  for (const index of indexes) {
    if (!isLookupIndex(index)) continue;
    const first = index.fields[0]?.name;
    if (first !== undefined && columns.includes(first)) return first;
  }
  return undefined;
}

/**
 * A composite key an index leads with one column of: lookups by the key read the rows of that
 * column's value through the index, not the whole table. True that no index covers the key, and
 * worth an index of its own only when one value holds many rows: info.
 */
function partlyCoveredFinding(relation: Relation, datasource: Datasource | undefined, columns: string[], text: string, column: string): RuleFinding {
  const finding = findingFor(relation, datasource, columns, text);
  const { model, target } = relation;
  return {
    ...finding,
    idle: true,
    message: `Deleting from "${target.name}" reads every "${model.name}" row of its "${column}" through the index that starts with it: no index covers "${model.name}(${columns.join(', ')})".`,
    help: `Reported as info: an index starts with "${column}", so the rows are found by it; add the whole key only if one "${column}" holds many rows. ${finding.help}`,
  };
}

function referentialAction(relation: Relation): string {
  const written = relation.field.relation?.onDelete;
  const action = written ?? (relation.fkFields.every((field) => field.isOptional) ? 'SetNull' : 'Restrict');
  const sql = action.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
  return `ON DELETE ${sql}`;
}

/** Inserts the index where `prisma format` would put it, indented like the key's first field. */
function insertIndexFix(model: Model, relation: Relation, indexText: string, text: string): Fix[] {
  const edit = addIndexEdit(model, text, indexText, relation.fkFields[0]);
  return edit ? [{ title: `Add ${indexText} to ${model.name}`, applicability: 'safe', edits: [edit] }] : [];
}
