/** Flags `@@index`es that another index (or the primary key) already serves: extra writes for no reads. */
import type { Index, Model } from '../schema/model';
import { attributeExtent } from '../facts/schema-text';
import { removeLineEdit } from '../facts/schema-edits';
import { defineModelRule, type RuleFinding } from './types';

/** Index types that are B-trees, whose leading columns answer what a shorter B-tree would. */
const BTREE = new Set([undefined, 'BTree']);

export default defineModelRule({
  id: 'redundant-index',
  appliesTo: ['prisma'],
  // True, but its cost (index upkeep on writes, disk) is rarely felt: worth a tidy-up, not a warning.
  severity: 'info',
  docs: {
    summary: 'Indexes whose columns are a leading prefix of another index or of the primary key.',
    why: [
      'A B-tree index on `(a, b)` answers every lookup, range and sort that an index on `(a)` answers: the database reads the same leading column. The shorter index then serves nothing the longer one cannot, yet every insert, every update of `a` and every delete maintains it, it takes disk and cache, and `VACUUM` scans it.',
      'The rule reports a plain `@@index` whose fields, in order and with the same sort direction, are the leading fields of another B-tree index, of a `@@unique`/`@unique` or of the `@id` (or that repeats one). Unique constraints and primary keys are never reported: they enforce something. Hash, GIN, GiST, BRIN and full-text indexes are different structures and are left alone, as are prefix lengths that differ (MySQL).',
    ].join('\n\n'),
    bad: ['model Post {', '  id       Int      @id', '  authorId Int', '  postedAt DateTime', '', '  @@index([authorId])', '  @@index([authorId, postedAt])', '}'].join('\n'),
    good: ['model Post {', '  id       Int      @id', '  authorId Int', '  postedAt DateTime', '', '  @@index([authorId, postedAt])', '}'].join('\n'),
    fixSafety:
      'Safe: removing the `@@index` line changes no query result, and the longer index still serves every query the removed one served. The migration runs `DROP INDEX`, which is quick.',
  },
  checkModel({ model, text }) {
    if (model.kind !== 'model') return [];
    const findings: RuleFinding[] = [];
    model.indexes.forEach((index, position) => {
      if (index.kind !== 'index' || !BTREE.has(index.type)) return;
      const wider = model.indexes.find((other, otherPosition) => other !== index && servesAll(other, index, otherPosition < position));
      if (wider) findings.push(findingFor(model, index, wider, text));
    });
    return findings;
  },
});

/** True when `other` answers every query `index` answers: same leading fields, directions and lengths. */
function servesAll(other: Index, index: Index, otherComesFirst: boolean): boolean {
  if (other.kind === 'fulltext' || !BTREE.has(other.type)) return false;
  if (other.fields.length < index.fields.length) return false;
  // Two identical plain indexes: only the later one is reported.
  if (other.kind === 'index' && other.fields.length === index.fields.length && !otherComesFirst) return false;
  return index.fields.every((field, i) => {
    const candidate = other.fields[i]!;
    if (candidate.name !== field.name || candidate.length !== field.length) return false;
    // A one-column index is read in either direction; longer prefixes must keep their order.
    return index.fields.length === 1 || (candidate.sort ?? 'Asc') === (field.sort ?? 'Asc');
  });
}

function describeIndex(index: Index): string {
  const columns = index.fields.map((field) => field.name).join(', ');
  if (index.kind === 'id') return index.fields.length === 1 ? `the primary key "${columns}"` : `the primary key "@@id([${columns}])"`;
  if (index.kind === 'unique') return `"@@unique([${columns}])"`;
  return `"@@index([${columns}])"`;
}

function findingFor(model: Model, index: Index, wider: Index, text: string): RuleFinding {
  const columns = index.fields.map((field) => field.name).join(', ');
  const own = `@@index([${columns}])`;
  const standsAlone = /^\s*@@index\(/.test(text.slice(text.lastIndexOf('\n', index.span.start - 1) + 1, index.span.start + 8));
  return {
    uri: model.uri,
    span: attributeExtent(text, index.span),
    message: `Every write to "${model.name}" maintains a redundant "${own}": ${describeIndex(wider)} serves the same queries.`,
    help: `Remove "${own}": ${describeIndex(wider)} starts with the same columns and already serves its lookups.`,
    ...(standsAlone ? { fixes: [{ title: `Remove the redundant ${own}`, applicability: 'safe' as const, edits: [removeLineEdit(model.uri, text, index.span.start)] }] } : {}),
  };
}
