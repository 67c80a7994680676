/** Flags `$queryRawUnsafe`/`$executeRawUnsafe`/`Prisma.raw` given SQL built from values: SQL injection. */
import ts = require('typescript');
import type { CodeRuleContext } from '../code/context';
import { calleeName, spanOf, unwrap } from '../code/syntax';
import { constInitializer, enclosingFunction } from '../facts/code-scope';
import { declareSchemaEnums } from '../facts/declared-types';
import { isTrustedText } from '../facts/trusted-sql-text';
import { defineRule, type CodeRule, type Fix, type RuleFinding } from './types';

const UNSAFE_OPERATIONS: Record<string, string> = { $queryRawUnsafe: '$queryRaw', $executeRawUnsafe: '$executeRaw' };
/** What may precede a `${value}` for it to become a bind parameter unchanged. */
const VALUE_POSITION = /(?:=|<>|!=|<|>|<=|>=|\(|,|\b(?:LIMIT|OFFSET|LIKE|ILIKE|AND|OR|THEN|ELSE|BETWEEN|VALUES|SET [\w"]+ =))\s*$/i;

export default defineRule<CodeRule>({
  id: 'raw-query-injection',
  appliesTo: ['typescript'],
  severity: 'error',
  docs: {
    summary: '`$queryRawUnsafe`, `$executeRawUnsafe` or `Prisma.raw` given SQL built from values by concatenation or interpolation.',
    why: [
      '`` $queryRawUnsafe(`SELECT … WHERE email = \'${email}\'`) `` pastes the value into the SQL text. A value such as `\' OR \'1\'=\'1` changes what the statement does: it reads every row, or with `$executeRawUnsafe` (or stacked statements on some drivers) updates or deletes them. That is SQL injection, the top entry of every web security list, and escaping by hand is never complete.',
      'The tagged templates ``prisma.$queryRaw`…` `` and ``prisma.$executeRaw`…` `` send each `${value}` as a bind parameter, apart from the SQL text, so no value can change the statement. For a list, use `${Prisma.join(ids)}`; for a table or column name chosen in code, pick it from a fixed list and pass it through `Prisma.raw` (only ever with constant text).',
      'The rule reports the unsafe calls when their SQL comes from a template literal with interpolations, or from `+`/`concat` with values that are not out of a request\'s reach. Left alone: constants (string literals, `const` names bound to them, SCREAMING_CASE module constants, `static readonly` class constants, values looked up in a `const` object of constants), the environment (`process.env`, a local function that reads it, and what is taken from it: `urlRegex.exec(process.env.DATABASE_URL)?.groups?.database`), numbers and dates (`Number(x)`, arithmetic, `.length`, values declared `number`, `number[]`, `Date` or a union of literals, a local function whose parameters are all numbers, `toISOString()`), values whose type the file spells out as such (fields of its own types and interfaces, `(typeof FORMATS)[number]` of an `as const` list, an enum of the schema imported from the Prisma Client), values a zod schema of the file lets through only as numbers, dates, enums or ids (`z.enum([…])`, `z.nativeEnum(Role)`, `z.coerce.number()`, `z.string().uuid()`, read from a tRPC procedure\'s `input`, `schema.parse(…)` or `z.infer<typeof schema>`), the elements of such lists in `.map((format) => …)`, fields of the file\'s own unexported configuration type that every value of it in the file sets to constants, a parameter of a function the file keeps to itself that every call gives such text, values a pattern or an allow-list checked earlier in the function (`if (!/^[a-z_]+$/.test(name)) throw …`, or a local validator that throws), quotes doubled by hand (`.replace(/\'/g, "\'\'")`), `$1` placeholders built from counters, and a `$queryRawUnsafe(sql, a, b)` call with constant SQL, which is already parameterized.',
      'When the SQL is a parameter named like a statement (`sql`, `query`) of the function that runs it, possibly wrapped (`WITH base AS (…) ${sql}`), the caller supplies the whole statement: the finding says so, since no bind parameter can make that safe.',
    ].join('\n\n'),
    bad: ['const rows = await prisma.$queryRawUnsafe(`SELECT * FROM "User" WHERE email = \'${email}\'`);'].join('\n'),
    good: ['const rows = await prisma.$queryRaw`SELECT * FROM "User" WHERE email = ${email}`;'].join('\n'),
    fixSafety:
      'Safe: when every interpolation stands where a value goes (`= ${x}`, `\'${x}\'`, `LIMIT ${n}`), the fix turns the call into the tagged template, removing the quotes around quoted values. The SQL and the values stay the same; the values now travel as bind parameters, so a value that contains a quote is stored as text instead of changing the statement. Interpolations that build identifiers or lists are left for you to rewrite. One difference to know: a bind parameter is typed, so with Prisma\'s query engine (Prisma 6 and earlier) a JavaScript string compared with a number column needs a cast (`= ${id}::int`), where the quoted literal was converted silently.',
  },
  check(context) {
    const findings: RuleFinding[] = [];
    declareSchemaEnums(context.sourceFile, (context.schema?.enums ?? []).map((block) => block.name));
    for (const site of context.querySites) {
      const replacement = UNSAFE_OPERATIONS[site.operation];
      if (site.kind !== 'raw' || !replacement || !ts.isCallExpression(site.node)) continue;
      const sql = site.node.arguments[0];
      if (!sql || !buildsFromValues(sql)) continue;
      const statement = callersStatement(sql);
      if (statement) {
        findings.push({
          uri: context.uri,
          span: site.span,
          message: `Whoever supplies "${statement.parameter}" can run any statement: "${site.callee}" runs the SQL text given to "${statement.owner}".`,
          help: 'Offer fixed queries that take values as bind parameters; if users must write SQL, run it on a read-only role limited to their own rows (row-level security), with a statement timeout.',
        });
        continue;
      }
      const fix = taggedTemplateFix(context, site.node, replacement);
      findings.push({
        uri: context.uri,
        span: site.span,
        message: `SQL injection: "${site.callee}" runs SQL built from values (${describeBuild(sql, context.sourceFile)}).`,
        help: `A value containing a quote changes the statement. Use the tagged template "${site.client}.${replacement}\`…\`" instead: it sends each "\${value}" as a bind parameter ("Prisma.join" for lists).`,
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
    if (!context.text.includes('Prisma.raw')) return findings;
    forEachPrismaRaw(context.sourceFile, (call) => {
      const sql = call.arguments[0];
      if (!sql || !buildsFromValues(sql)) return;
      findings.push({
        uri: context.uri,
        span: spanOf(call.expression, context.sourceFile),
        message: `SQL injection: "Prisma.raw" puts text built from values (${describeBuild(sql, context.sourceFile)}) into the SQL unescaped.`,
        help: 'Interpolate values into the "$queryRaw" template directly (they become bind parameters); keep "Prisma.raw" for constant text such as a column name picked from a fixed list.',
      });
    });
    return findings;
  },
});

function forEachPrismaRaw(sourceFile: ts.SourceFile, visit: (call: ts.CallExpression) => void): void {
  const walk = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'raw' && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 'Prisma') visit(node);
    ts.forEachChild(node, walk);
  };
  walk(sourceFile);
}

/** True when the SQL text is built from something other than constants. */
function buildsFromValues(expression: ts.Expression, depth = 0): boolean {
  const node = unwrap(expression);
  if (ts.isTemplateExpression(node)) return node.templateSpans.some((span) => !isTrustedText(span.expression, depth));
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return !isTrustedText(node.left, depth) || !isTrustedText(node.right, depth);
  if (ts.isCallExpression(node) && calleeName(node) === 'concat') return node.arguments.some((argument) => !isTrustedText(argument, depth)) || (ts.isPropertyAccessExpression(node.expression) && !isTrustedText(node.expression.expression, depth));
  if (ts.isIdentifier(node) && depth < 3) {
    const initializer = constInitializer(node.text, node) ?? assignedOnce(node);
    return initializer !== undefined && buildsFromValues(initializer, depth + 1);
  }
  return false;
}

/** The initializer of a `let` that is never reassigned before use: `let sql = \`…${x}\``. */
function assignedOnce(identifier: ts.Identifier): ts.Expression | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (!ts.isBlock(scope) && !ts.isSourceFile(scope)) continue;
    for (const statement of scope.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === identifier.text && declaration.initializer) return declaration.initializer;
      }
    }
  }
  return undefined;
}

/** Parameter names that hold a whole statement rather than a value. */
const STATEMENT_NAME = /^(?:raw|user|custom|input)?(?:sql|query|statement|stmt)(?:text|string|query)?$/i;

/**
 * The SQL is (or wraps) a parameter of the enclosing function named like a statement, `sql` in
 * `sqlQuery(tableId, sql)` building \`WITH base AS (…) ${sql}\`: the caller's whole statement runs.
 */
function callersStatement(expression: ts.Expression, depth = 0): { parameter: string; owner: string } | undefined {
  const node = unwrap(expression);
  const fn = enclosingFunction(node);
  if (!fn) return undefined;
  const roots: ts.Expression[] = ts.isTemplateExpression(node) ? node.templateSpans.map((span) => span.expression) : [node];
  for (const root of roots) {
    let base = unwrap(root);
    // `sql.replace(table, 'base')`, `sql.trim()`: still the caller's text.
    while (ts.isCallExpression(base) && ts.isPropertyAccessExpression(base.expression)) base = unwrap(base.expression.expression);
    if (!ts.isIdentifier(base)) continue;
    const parameter = fn.parameters.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === (base as ts.Identifier).text);
    if (parameter && STATEMENT_NAME.test(base.text)) return { parameter: base.text, owner: functionLabel(fn) };
    if (!parameter && depth < 2 && root === node) {
      const initializer = constInitializer(base.text, base);
      if (initializer) return callersStatement(initializer, depth + 1);
    }
  }
  return undefined;
}

function functionLabel(fn: ts.FunctionLikeDeclaration): string {
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  if (ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  if (ts.isPropertyAssignment(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  return 'the function around it';
}

function describeBuild(expression: ts.Expression, sourceFile: ts.SourceFile): string {
  const node = unwrap(expression);
  if (ts.isTemplateExpression(node)) {
    const names = node.templateSpans.filter((span) => !isTrustedText(span.expression, 0)).map((span) => `"\${${span.expression.getText(sourceFile)}}"`);
    return `interpolates ${names.slice(0, 3).join(', ')}`;
  }
  if (ts.isIdentifier(node)) return `"${node.text}" is assembled from values`;
  return 'concatenation';
}

/** `$queryRawUnsafe(\`… = '${x}' LIMIT ${n}\`)` → `$queryRaw\`… = ${x} LIMIT ${n}\``, when every hole is a value. */
function taggedTemplateFix(context: CodeRuleContext, call: ts.CallExpression, replacement: string): Fix | undefined {
  if (call.arguments.length !== 1 || call.typeArguments) return undefined;
  const template = unwrap(call.arguments[0]!);
  if (!ts.isTemplateExpression(template) || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  const sourceFile = context.sourceFile;
  const raw = (node: ts.TemplateHead | ts.TemplateMiddle | ts.TemplateTail): string => node.getText(sourceFile).replace(/^[`}]/, '').replace(/(?:\$\{|`)$/, '');
  const pieces = [raw(template.head), ...template.templateSpans.map((span) => raw(span.literal))];
  let out = '';
  for (let i = 0; i < template.templateSpans.length; i++) {
    let before = pieces[i]!;
    let after = pieces[i + 1]!;
    const quoted = before.endsWith("'") && after.startsWith("'");
    if (quoted) {
      before = before.slice(0, -1);
      after = after.slice(1);
      pieces[i + 1] = after;
    } else if (!VALUE_POSITION.test(before)) {
      return undefined;
    }
    const expression = template.templateSpans[i]!.expression.getText(sourceFile);
    if (/\.join\(/.test(expression)) return undefined;
    out += `${before}\${${expression}}`;
  }
  out += pieces[pieces.length - 1];
  const clientText = call.expression.expression.getText(sourceFile);
  const span = spanOf(call, sourceFile);
  return {
    title: `Use ${replacement} with bind parameters`,
    applicability: 'safe',
    edits: [{ uri: context.uri, start: span.start, end: span.end, text: `${clientText}.${replacement}\`${out}\`` }],
  };
}
