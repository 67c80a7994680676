/** Flags `@@index`es that no query of the workspace can use (off by default: other applications may). */
import { attributeExtent, fileTextOf } from '../facts/schema-text';
import type { Model } from '../schema/model';
import { WorkspaceIndexUsage } from '../facts/workspace-facts';
import { defineRule, type RuleFinding, type SchemaRule } from './types';

export default defineRule<SchemaRule>({
  id: 'unused-index',
  appliesTo: ['prisma'],
  severity: 'info',
  enabledByDefault: false,
  docs: {
    summary: '`@@index`es that no Prisma query in the workspace filters or sorts on.',
    why: [
      'Every index is updated on every insert, on every update of its columns and on every delete, and it takes disk and memory that the useful indexes need. An index that no query uses is all cost.',
      'The rule reads every Prisma query of the workspace (the columns each `where` and `orderBy` uses) and reports a plain `@@index` whose first column none of them filters or sorts on. Indexes that cover a foreign key are never reported (deletes of the parent and relation loads use them), nor are `@id`, `@unique` and `@@unique`, which enforce something.',
      'Off by default: raw SQL, other services, reporting tools and ad-hoc queries may use an index that this workspace never mentions. Before dropping one, check `pg_stat_user_indexes.idx_scan` in production.',
    ].join('\n\n'),
    bad: ['model Post {', '  id     Int    @id', '  status String', '', '  @@index([status])', '}', '', '// No query of the workspace filters or sorts Post on status.'].join('\n'),
    good: ['model Post {', '  id     Int    @id', '  status String', '', '  @@index([status])', '}', '', '// A query of the workspace uses it:', '// prisma.post.findMany({ where: { status: "DRAFT" }, take: 20 })'].join('\n'),
    fixSafety: 'No fix: only production statistics can tell that nothing else uses the index.',
  },
  check({ schema, facts }) {
    if (!facts?.queries) return [];
    const findings: RuleFinding[] = [];
    const usage = new WorkspaceIndexUsage({ queries: facts.queries });
    const keysByModel = new Map<Model, string[][]>();
    for (const relation of schema.relations) {
      const keys = keysByModel.get(relation.model) ?? [];
      keys.push(relation.fkFields.map((field) => field.name));
      keysByModel.set(relation.model, keys);
    }
    for (const model of schema.models) {
      if (model.kind !== 'model') continue;
      const text = fileTextOf(schema, model.uri);
      for (const index of model.indexes) {
        if (index.kind !== 'index' || index.fields.length === 0) continue;
        const columns = index.fields.map((field) => field.name);
        const coversForeignKey = (keysByModel.get(model) ?? []).some((key) => leadsWith(columns, key));
        if (coversForeignKey || usage.queriesUsing(model, index).length > 0) continue;
        findings.push({
          uri: model.uri,
          span: attributeExtent(text, index.span),
          message: `Every write to "${model.name}" maintains "@@index([${columns.join(', ')}])", but no query in the workspace filters or sorts on "${index.fields[0]!.name}".`,
          help: 'If nothing outside this workspace uses it (check "pg_stat_user_indexes.idx_scan" in production), remove it.',
        });
      }
    }
    return findings;
  },
});

/** True when the index's leading columns are exactly `columns`, in any order. */
function leadsWith(indexColumns: readonly string[], columns: readonly string[]): boolean {
  if (columns.length === 0 || indexColumns.length < columns.length) return false;
  const leading = new Set(indexColumns.slice(0, columns.length));
  return columns.every((column) => leading.has(column));
}
