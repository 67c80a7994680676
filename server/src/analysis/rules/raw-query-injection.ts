/** Flags `$queryRawUnsafe`/`$executeRawUnsafe`/`Prisma.raw` given SQL that pastes in request input: SQL injection. */
import ts = require('typescript');
import type { CodeRuleContext } from '../code/context';
import { calleeName, isFunctionLike, shortText, spanOf, unwrap } from '../code/syntax';
import { constInitializer, declarationOf, enclosingFunction } from '../facts/code-scope';
import { declareSchemaEnums } from '../facts/declared-types';
import { inputOrigin, isInputText, type InputOrigin } from '../facts/request-input';
import { isTrustedText } from '../facts/trusted-sql-text';
import { defineRule, type CodeRule, type Fix, type RuleFinding } from './types';

const UNSAFE_OPERATIONS: Record<string, string> = { $queryRawUnsafe: '$queryRaw', $executeRawUnsafe: '$executeRaw' };
/** What may precede a `${value}` for it to become a bind parameter unchanged. */
const VALUE_POSITION = /(?:=|<>|!=|<|>|<=|>=|\(|,|\b(?:LIMIT|OFFSET|LIKE|ILIKE|AND|OR|THEN|ELSE|BETWEEN|VALUES|SET [\w"]+ =))\s*$/i;
/** What may precede a hole that holds a whole statement: nothing, or the end of a `WITH … AS (…)` or of another statement. */
const STATEMENT_POSITION = /(?:^|[);])\s*$/;
/** Parameter names that hold a whole statement rather than a value. */
const STATEMENT_NAME = /^(?:raw|user|custom|input)?(?:sql|query|statement|stmt)(?:text|string|query)?$/i;
const MAX_PIECE_DEPTH = 6;

export default defineRule<CodeRule>({
  id: 'raw-query-injection',
  appliesTo: ['typescript'],
  severity: 'error',
  docs: {
    summary: '`$queryRawUnsafe`, `$executeRawUnsafe` or `Prisma.raw` given SQL that pastes in text from a request.',
    why: [
      '`` $queryRawUnsafe(`SELECT … WHERE email = \'${email}\'`) `` pastes the value into the SQL text. A value such as `\' OR \'1\'=\'1` changes what the statement does: it reads every row, or with `$executeRawUnsafe` (or stacked statements on some drivers) updates or deletes them. That is SQL injection, the top entry of every web security list, and escaping by hand is never complete.',
      'The tagged templates ``prisma.$queryRaw`…` `` and ``prisma.$executeRaw`…` `` send each `${value}` as a bind parameter, apart from the SQL text, so no value can change the statement. For a list, use `${Prisma.join(ids)}`; for a table or column name chosen in code, pick it from a fixed list and pass it through `Prisma.raw` (only ever with constant text).',
      'The rule reports a call only when a value pasted into its SQL is traced, within the function and the closures around it, to input from outside the program: a request\'s body, query, params, headers or cookies (`req.body.name`, `request.query`, `ctx.req`, `c.req.query(\'sort\')`, `await request.json()`, `formData.get(\'q\')`, `searchParams.get(\'q\')`, the `params` and `searchParams` props of a Next.js page), a field of a tRPC procedure\'s `input` that its zod schema lets through as free text (`z.string()`; when the schema is in another file, any field of a public or protected procedure\'s `input`), a NestJS `@Body()`, `@Query()` or `@Param()` parameter, a string parameter of an exported route handler, or `process.argv`. The trace follows `const` and `let` bindings, destructuring, template literals, concatenation, lists filled with `push` and joined, member access, and calls that keep the text (`.trim()`, `.toLowerCase()`, `String(x)`).',
      'Why only then: a finding must be one you act on. Without a type checker the rule cannot tell a request\'s text from a number typed in another file, an id read from the database, a name from a list defined in code or an enum imported from another module, and a rule that is mostly wrong teaches people to ignore it. So values of any other origin are left alone: parameters of other functions, imports, database reads, the environment, constants. Among traced values, it also leaves alone what cannot carry a quote or was made safe: numbers (`Number(x)`, arithmetic, `.length`), fields a zod schema restricts (`z.enum`, `z.nativeEnum`, `z.number()`, `z.literal`, `z.string().uuid()`), values an allow-list or a pattern checked earlier in the function (`if (!/^[a-z_]+$/.test(name)) throw …`), quotes doubled by hand (`.replace(/\'/g, "\'\'")`), lookups in a constant map, and a `$queryRawUnsafe(sql, a, b)` call with constant SQL, which is already parameterized. A helper in another file that receives a request\'s text is not seen: keep raw SQL helpers few, and review them by hand.',
      'When the whole SQL text comes from the request, or from a parameter named like a statement (`sql`, `query`) that the function wraps into its own statement (`WITH base AS (…) ${sql}`), whoever calls the endpoint runs the statement they want: the finding says so, since no bind parameter can make that safe.',
    ].join('\n\n'),
    bad: [
      'export async function GET(request: Request) {',
      "  const email = new URL(request.url).searchParams.get('email');",
      '  const rows = await prisma.$queryRawUnsafe(`SELECT * FROM "User" WHERE email = \'${email}\'`);',
      '  return Response.json(rows);',
      '}',
    ].join('\n'),
    good: [
      'export async function GET(request: Request) {',
      "  const email = new URL(request.url).searchParams.get('email');",
      '  const rows = await prisma.$queryRaw`SELECT * FROM "User" WHERE email = ${email}`;',
      '  return Response.json(rows);',
      '}',
    ].join('\n'),
    fixSafety:
      'Safe: when every interpolation stands where a value goes (`= ${x}`, `\'${x}\'`, `LIMIT ${n}`), the fix turns the call into the tagged template, removing the quotes around quoted values. The SQL and the values stay the same; the values now travel as bind parameters, so a value that contains a quote is stored as text instead of changing the statement. Interpolations that build identifiers or lists are left for you to rewrite. One difference to know: a bind parameter is typed, so with Prisma\'s query engine (Prisma 6 and earlier) a JavaScript string compared with a number column needs a cast (`= ${id}::int`), where the quoted literal was converted silently.',
  },
  check(context) {
    const findings: RuleFinding[] = [];
    const sourceFile = context.sourceFile;
    declareSchemaEnums(sourceFile, (context.schema?.enums ?? []).map((block) => block.name));
    for (const site of context.querySites) {
      const replacement = UNSAFE_OPERATIONS[site.operation];
      if (site.kind !== 'raw' || !replacement || !ts.isCallExpression(site.node)) continue;
      const sql = site.node.arguments[0];
      if (!sql) continue;
      const pieces = sqlPieces(sql);
      const traced = tracedPieces(pieces);
      const whole = traced.find(({ piece, origin }) => piece.statement && !origin.partial);
      if (whole) {
        const text = shortText(whole.piece.expression, sourceFile);
        const from = text === whole.origin.source || text.startsWith(`${whole.origin.source}.`) ? '' : `, from "${whole.origin.source}"`;
        findings.push({
          uri: context.uri,
          span: site.span,
          message: `Whoever sends the request can run any statement: "${site.callee}" runs the SQL text in "${text}"${from}.`,
          help: 'Offer fixed queries that take values as bind parameters; if users must write SQL, run it on a read-only role limited to their own rows (row-level security), with a statement timeout.',
        });
        continue;
      }
      const statement = callersStatement(pieces);
      if (statement) {
        findings.push({
          uri: context.uri,
          span: site.span,
          message: `Whoever supplies "${statement.parameter}" can run any statement: "${site.callee}" runs the SQL text given to "${statement.owner}".`,
          help: 'Offer fixed queries that take values as bind parameters; if users must write SQL, run it on a read-only role limited to their own rows (row-level security), with a statement timeout.',
        });
        continue;
      }
      if (traced.length === 0) continue;
      const fix = taggedTemplateFix(context, site.node, replacement);
      findings.push({
        uri: context.uri,
        span: site.span,
        message: `SQL injection: "${site.callee}" runs SQL built from request input (${describeTraced(traced, sourceFile)}).`,
        help: `A value containing a quote changes the statement. Use the tagged template "${site.client}.${replacement}\`…\`" instead: it sends each "\${value}" as a bind parameter ("Prisma.join" for lists).`,
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
    if (!context.text.includes('Prisma.raw')) return findings;
    forEachPrismaRaw(sourceFile, (call) => {
      const sql = call.arguments[0];
      const traced = sql ? tracedPieces(sqlPieces(sql)) : [];
      if (traced.length === 0) return;
      findings.push({
        uri: context.uri,
        span: spanOf(call.expression, sourceFile),
        message: `SQL injection: "Prisma.raw" puts request input into the SQL unescaped (${describeTraced(traced, sourceFile)}).`,
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

/** A value the SQL text is assembled from, and how: `${x}` in a template, `+ x`, or the whole text. */
interface SqlPiece {
  expression: ts.Expression;
  how: 'interpolates' | 'concatenates' | 'runs';
  /** The piece stands where a whole statement goes: the entire text, or after `WITH … AS (…)`. */
  statement: boolean;
}

/**
 * The values the SQL text is assembled from: the holes of its templates, the operands of `+` and
 * `concat`, the elements of a list it joins (and what is pushed into it), through the `const`s and
 * `let`s (and `+=`) that hold parts of it.
 */
function sqlPieces(sql: ts.Expression): SqlPiece[] {
  const pieces: SqlPiece[] = [];
  const seen = new Set<ts.Node>();
  const visit = (expression: ts.Expression, how: SqlPiece['how'], statement: boolean, depth: number): void => {
    const node = unwrap(expression);
    if (seen.has(node)) return;
    seen.add(node);
    if (depth > MAX_PIECE_DEPTH) {
      pieces.push({ expression: node, how, statement });
      return;
    }
    if (ts.isTemplateExpression(node)) {
      let before = node.head.text;
      for (const span of node.templateSpans) {
        visit(span.expression, 'interpolates', statement && STATEMENT_POSITION.test(before), depth + 1);
        before = span.literal.text;
      }
      return;
    }
    if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node)) return;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      visit(node.left, 'concatenates', statement, depth + 1);
      visit(node.right, 'concatenates', false, depth + 1);
      return;
    }
    if (ts.isConditionalExpression(node) && (buildsText(node.whenTrue) || buildsText(node.whenFalse))) {
      visit(node.whenTrue, how, statement, depth + 1);
      visit(node.whenFalse, how, statement, depth + 1);
      return;
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      if (method === 'concat') {
        visit(node.expression.expression, how, statement, depth + 1);
        for (const argument of node.arguments) visit(argument, 'concatenates', false, depth + 1);
        return;
      }
      const elements = method === 'join' ? listElements(node.expression.expression) : undefined;
      if (elements) {
        for (const element of elements) visit(element, how, false, depth + 1);
        return;
      }
    }
    if (ts.isIdentifier(node)) {
      const parts = assembledFrom(node);
      if (parts) {
        parts.forEach((part, index) => visit(part, how, statement && index === 0, depth + 1));
        return;
      }
    }
    pieces.push({ expression: node, how, statement });
  };
  visit(sql, 'runs', true, 0);
  return pieces;
}

/** True when the expression assembles text from parts: a template with holes, `+`, `concat`, `join`, or a choice between such. */
function buildsText(expression: ts.Expression): boolean {
  const node = unwrap(expression);
  if (ts.isTemplateExpression(node)) return true;
  if (ts.isBinaryExpression(node)) return node.operatorToken.kind === ts.SyntaxKind.PlusToken;
  if (ts.isConditionalExpression(node)) return buildsText(node.whenTrue) || buildsText(node.whenFalse);
  return ts.isCallExpression(node) && ['concat', 'join'].includes(calleeName(node) ?? '');
}

/** `const sql = \`…\``, or `let sql = '…'` with `sql += \`…\`` later: the parts a local name's text is built from. */
function assembledFrom(identifier: ts.Identifier): ts.Expression[] | undefined {
  const declaration = declarationOf(identifier.text, identifier);
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  const list = declaration.parent;
  if (ts.isVariableDeclarationList(list) && list.flags & ts.NodeFlags.Const) return buildsText(declaration.initializer) ? [declaration.initializer] : undefined;
  const parts: ts.Expression[] = [declaration.initializer];
  const scope = enclosingFunction(declaration)?.body ?? declaration.getSourceFile();
  const walk = (child: ts.Node): void => {
    if (ts.isBinaryExpression(child) && ts.isIdentifier(child.left) && child.left.text === identifier.text) {
      const operator = child.operatorToken.kind;
      if (operator === ts.SyntaxKind.PlusEqualsToken || operator === ts.SyntaxKind.EqualsToken) parts.push(child.right);
    }
    ts.forEachChild(child, walk);
  };
  walk(scope);
  return parts.some(buildsText) ? parts : undefined;
}

/** The elements of a list the SQL joins: an array literal, a local list and what is pushed into it, or what `.map(…)` returns. */
function listElements(expression: ts.Expression): ts.Expression[] | undefined {
  const node = unwrap(expression);
  if (ts.isArrayLiteralExpression(node)) return node.elements.map((element) => (ts.isSpreadElement(element) ? element.expression : element));
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'map') {
    const callback = node.arguments[0] && unwrap(node.arguments[0]);
    if (callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) && !ts.isBlock(callback.body)) return [callback.body];
    return undefined;
  }
  if (!ts.isIdentifier(node)) return undefined;
  const initializer = constInitializer(node.text, node);
  const value = initializer && unwrap(initializer);
  if (!value || !ts.isArrayLiteralExpression(value)) return undefined;
  const elements: ts.Expression[] = value.elements.map((element) => (ts.isSpreadElement(element) ? element.expression : element));
  const scope = enclosingFunction(value)?.body ?? value.getSourceFile();
  const walk = (child: ts.Node): void => {
    if (ts.isCallExpression(child) && ts.isPropertyAccessExpression(child.expression) && ts.isIdentifier(child.expression.expression) && child.expression.expression.text === node.text && ['push', 'unshift'].includes(child.expression.name.text)) {
      elements.push(...child.arguments.map((argument) => (ts.isSpreadElement(argument) ? argument.expression : argument)));
    }
    ts.forEachChild(child, walk);
  };
  walk(scope);
  return elements;
}

interface TracedPiece {
  piece: SqlPiece;
  origin: InputOrigin;
}

/** The pieces traced to request input, leaving out those the trusted-text checks accept. */
function tracedPieces(pieces: SqlPiece[]): TracedPiece[] {
  const traced: TracedPiece[] = [];
  for (const piece of pieces) {
    if (isTrustedText(piece.expression)) continue;
    const origin = inputOrigin(piece.expression);
    if (isInputText(origin)) traced.push({ piece, origin });
  }
  return traced;
}

function describeTraced(traced: TracedPiece[], sourceFile: ts.SourceFile): string {
  const first = traced[0]!;
  const names = traced.slice(0, 3).map(({ piece }) => {
    const text = shortText(piece.expression, sourceFile);
    return piece.how === 'interpolates' ? `"\${${text}}"` : `"${text}"`;
  });
  const verb = first.piece.how === 'runs' ? 'uses' : first.piece.how;
  const text = shortText(first.piece.expression, sourceFile);
  const from = text === first.origin.source ? '' : `, from "${first.origin.source}"`;
  return `${verb} ${names.join(', ')}${from}`;
}

/**
 * A hole where a statement goes filled with a parameter of the enclosing function named like a
 * statement, `sql` in `sqlQuery(tableId, sql)` building \`WITH base AS (…) ${sql}\`: the caller's
 * whole statement runs. A function that runs its `sql` parameter as it is (a query helper) is not one.
 */
function callersStatement(pieces: SqlPiece[]): { parameter: string; owner: string } | undefined {
  for (const piece of pieces) {
    if (!piece.statement || piece.how !== 'interpolates' || isTrustedText(piece.expression)) continue;
    let base = piece.expression;
    // `sql.replace(table, 'base')`, `sql.trim()`: still the caller's text.
    while (ts.isCallExpression(base) && ts.isPropertyAccessExpression(base.expression)) base = unwrap(base.expression.expression);
    if (!ts.isIdentifier(base) || !STATEMENT_NAME.test(base.text)) continue;
    const declaration = declarationOf(base.text, base);
    if (declaration && ts.isParameter(declaration) && isFunctionLike(declaration.parent)) return { parameter: base.text, owner: functionLabel(declaration.parent) };
  }
  return undefined;
}

function functionLabel(fn: ts.FunctionLikeDeclaration): string {
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  if (ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  if (ts.isPropertyAssignment(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  return 'the function around it';
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
