/**
 * The SQL of a raw query: `$queryRaw` and `$executeRaw` template literals (each `${}` becomes a
 * `$n` parameter, as Prisma's `sql` tag does), `Prisma.sql` templates passed to them, and the SQL
 * string of `$queryRawUnsafe`/`$executeRawUnsafe` with its extra arguments as parameters.
 */
import ts = require('typescript');
import type { QuerySite } from '../analysis/code/query-sites';
import { compactText, unwrap } from '../analysis/code/syntax';
import type { JsonValue, SqlParameter, SqlStatement } from './sql-types';
import { ExplainInputError } from './sql-values';

export function rawStatement(site: QuerySite): { statements: SqlStatement[] } {
  const sourceFile = site.node.getSourceFile();
  if (site.operation === '$queryRawUnsafe' || site.operation === '$executeRawUnsafe') {
    if (!ts.isCallExpression(site.node)) throw new ExplainInputError('the SQL text is missing');
    const [first, ...rest] = site.node.arguments;
    const sqlText = first ? unwrap(first) : undefined;
    if (!sqlText || !(ts.isStringLiteral(sqlText) || ts.isNoSubstitutionTemplateLiteral(sqlText))) {
      throw new ExplainInputError('the SQL text is only known when the code runs');
    }
    return { statements: [{ sql: sqlText.text, params: rest.map((arg) => parameterOf(arg, sourceFile)) }] };
  }
  if (site.operation !== '$queryRaw' && site.operation !== '$executeRaw') throw new ExplainInputError(`\`${site.operation}\` is not SQL Prisma Lens can show`);
  const template = templateOf(site);
  if (!template) throw new ExplainInputError('the SQL is not a template literal written in the call');
  const params: SqlParameter[] = [];
  return { statements: [{ sql: renderTemplate(template, sourceFile, params), params }] };
}

function templateOf(site: QuerySite): ts.TemplateLiteral | undefined {
  if (ts.isTaggedTemplateExpression(site.node)) return site.node.template;
  const first = site.node.arguments[0] ? unwrap(site.node.arguments[0]) : undefined;
  if (first && ts.isTaggedTemplateExpression(first) && /(^|\.)sql$/.test(first.tag.getText(first.getSourceFile()))) return first.template;
  return undefined;
}

function renderTemplate(template: ts.TemplateLiteral, sourceFile: ts.SourceFile, params: SqlParameter[]): string {
  if (ts.isNoSubstitutionTemplateLiteral(template)) return template.rawText ?? template.text;
  let sql = template.head.text;
  for (const span of template.templateSpans) {
    const expression = unwrap(span.expression);
    const rawText = rawFragment(expression);
    if (rawText !== undefined) sql += rawText;
    else if (ts.isTaggedTemplateExpression(expression) && /(^|\.)sql$/.test(expression.tag.getText(sourceFile))) sql += renderTemplate(expression.template, sourceFile, params);
    else {
      params.push(parameterOf(expression, sourceFile));
      sql += `$${params.length}`;
    }
    sql += span.literal.text;
  }
  return sql;
}

/** `Prisma.raw("…")` / `Prisma.empty`: SQL text spliced in as it is. */
function rawFragment(expression: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(expression) && expression.name.text === 'empty') return '';
  if (!ts.isCallExpression(expression) || !ts.isPropertyAccessExpression(expression.expression) || expression.expression.name.text !== 'raw') return undefined;
  const first = expression.arguments[0] ? unwrap(expression.arguments[0]) : undefined;
  if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) return first.text;
  throw new ExplainInputError('`Prisma.raw(…)` text is only known when the code runs');
}

function parameterOf(node: ts.Expression, sourceFile: ts.SourceFile): SqlParameter {
  const expression = unwrap(node);
  const literal = literalOf(expression);
  if (literal !== undefined) return { name: 'literal', type: literal.type, value: literal.value };
  const text = compactText(expression, sourceFile);
  return { name: text.length > 60 ? `${text.slice(0, 59)}…` : text, type: 'Unknown' };
}

function literalOf(expression: ts.Expression): { type: string; value: JsonValue } | undefined {
  if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return { type: 'String', value: expression.text };
  if (ts.isNumericLiteral(expression)) return { type: Number.isInteger(Number(expression.text)) ? 'Int' : 'Float', value: Number(expression.text) };
  if (expression.kind === ts.SyntaxKind.TrueKeyword || expression.kind === ts.SyntaxKind.FalseKeyword) return { type: 'Boolean', value: expression.kind === ts.SyntaxKind.TrueKeyword };
  return undefined;
}
