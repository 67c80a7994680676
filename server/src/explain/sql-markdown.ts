/** Markdown for the SQL of a call: what hover shows over a Prisma call. */
import type { CompiledSql, SqlParameter } from './sql-types';

const MAX_SHOWN_STATEMENTS = 8;
/** A hover is read, not scrolled: longer SQL (a literal list of thousands of values) is cut, and says so. */
const MAX_SQL_CHARS = 4_000;
const MAX_SHOWN_PARAMS = 20;

export function sqlMarkdown(result: CompiledSql): string {
  if ('error' in result) return `**Prisma Lens**: ${escapeMarkdown(result.error)}`;
  const count = result.statements.length;
  const heading = `**SQL of \`${result.callee}\`** (${count === 1 ? 'one statement' : `${count} statements, in the order Prisma runs them`})`;
  const parts = [heading];
  for (const statement of result.statements.slice(0, MAX_SHOWN_STATEMENTS)) {
    if (statement.when) parts.push(`*${escapeMarkdown(statement.when.charAt(0).toUpperCase() + statement.when.slice(1))}:*`);
    const sql = statement.sql.length > MAX_SQL_CHARS ? `${statement.sql.slice(0, MAX_SQL_CHARS)}…` : statement.sql;
    parts.push(['```sql', sql, '```'].join('\n'));
    if (statement.sql.length > MAX_SQL_CHARS) parts.push(`(${(statement.sql.length - MAX_SQL_CHARS).toLocaleString('en-US')} more characters; \`prisma-lens explain\` prints the whole statement)`);
    const shown = statement.params.slice(0, MAX_SHOWN_PARAMS).map((param, index) => `\`$${index + 1}\` ${describeParameter(param)}`);
    if (statement.params.length > MAX_SHOWN_PARAMS) shown.push(`…and ${(statement.params.length - MAX_SHOWN_PARAMS).toLocaleString('en-US')} more parameters`);
    if (shown.length > 0) parts.push(shown.join('  \n'));
  }
  if (count > MAX_SHOWN_STATEMENTS) parts.push(`…and ${count - MAX_SHOWN_STATEMENTS} more statements.`);
  return parts.join('\n\n');
}

function describeParameter(param: SqlParameter): string {
  if ('value' in param) return `= \`${truncate(JSON.stringify(param.value))}\` (${param.type})`;
  return `${escapeMarkdown(param.name)}: ${param.type}`;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_[\]<>]/g, (char) => `\\${char}`);
}
