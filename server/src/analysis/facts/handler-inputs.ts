/** Recognises request handlers (route exports, Express/Koa/Hono/Fastify callbacks, NestJS endpoints, tRPC procedures, Next.js pages) and which of their parameters hold input. */
import ts = require('typescript');
import { isFunctionLike, shortText, terminalName, unwrap } from '../code/syntax';
import { isRequestHandler } from './code-scope';
import { visibleZodSchema } from './declared-types';

/**
 * Where a value comes from, when the file proves it comes from outside. `value`: the value (or
 * part of its text) is input; `request`: a request object, whose body, query, params, headers and
 * cookies are input; `context`: a handler's context or props, some of whose members are.
 */
export interface InputOrigin {
  kind: 'value' | 'request' | 'context';
  /** Where the input enters, as written: `req.query`, `input`, `process.argv`. */
  source: string;
  /** The zod schema the value was parsed with: only what it admits gets through. */
  schema?: ts.Expression;
  /** A `safeParse` result: only its `data` is the value. */
  parseResult?: boolean;
  /** The declared type of a NestJS `@Body()` parameter: only its `string` members are text. */
  type?: ts.TypeNode;
  /** The input is only part of the text (`'%' + q`), so it cannot be a whole statement. */
  partial?: boolean;
  /** The origin of member `key` of a context. */
  member?: (key: string) => InputOrigin | undefined;
}

/** What a request object's type is called: Fetch, Next.js, Express, Fastify, Node, Hono. */
const REQUEST_TYPE = /(?:^|\.)(?:Request|NextRequest|NextApiRequest|FastifyRequest|IncomingMessage|HonoRequest)\b/;
/** NestJS parameter decorators that hand the method a part of the request. */
const NEST_INPUT_DECORATORS = new Set(['Body', 'Query', 'Param', 'Headers', 'Args']);
/** Parameter names of a route handler that are not the request's values. */
const NOT_INPUT_PARAMETER = /^(?:req|request|res|response|reply|next|ctx|context|c|event|err|error|e|props|opts|options|h|info|parent|env)$/;
/** Which members of a handler's context are input: Koa and getServerSideProps `ctx`, SvelteKit `event`, Hono `c`, Next.js page props. */
const CONTEXT_MEMBERS: Record<'handler' | 'event' | 'hono' | 'page', Record<string, 'request' | 'value'>> = {
  handler: { req: 'request', request: 'request', query: 'value', params: 'value', searchParams: 'value', headers: 'value', cookies: 'value', url: 'value' },
  event: { request: 'request', url: 'value', params: 'value', body: 'value', headers: 'value', cookies: 'value', queryStringParameters: 'value', pathParameters: 'value' },
  hono: { req: 'request' },
  page: { params: 'value', searchParams: 'value' },
};

/**
 * What a parameter of a request handler holds: the request (`req`, `@Req()`), a part of it
 * (`@Query('name') name: string`, a server action's `formData`), a context some of whose members
 * are input (Koa `ctx`, SvelteKit `event`, Hono `c`, Next.js `{ params }`, a tRPC handler's options).
 * Undefined for a parameter of any other function.
 */
export function handlerParameterOrigin(parameter: ts.ParameterDeclaration): InputOrigin | undefined {
  const fn = parameter.parent;
  if (!isFunctionLike(fn)) return undefined;
  const index = fn.parameters.indexOf(parameter);
  const name = ts.isIdentifier(parameter.name) ? parameter.name.text : undefined;
  const typeText = parameter.type?.getText() ?? '';
  const nest = nestDecorator(parameter);
  if (nest?.name === 'Req' || nest?.name === 'Request') return { kind: 'request', source: name ?? 'req' };
  if (nest) {
    const source = nest.text;
    if (!parameter.type || isStringType(parameter.type)) return { kind: 'value', source };
    return ts.isTypeLiteralNode(parameter.type) || ts.isTypeReferenceNode(parameter.type) ? { kind: 'value', source, type: parameter.type } : undefined;
  }
  if (index === 0) {
    const procedure = procedureOf(fn);
    if (procedure) return procedureOptions(procedure, name);
  }
  // `req`, `request`: untyped or typed as a request, not an application's `request: AccessRequest` record.
  if (name && /^(?:req|request)$/.test(name) && (!parameter.type || parameter.type.kind === ts.SyntaxKind.AnyKeyword || REQUEST_TYPE.test(typeText))) return { kind: 'request', source: name };
  if (REQUEST_TYPE.test(typeText)) return { kind: 'request', source: name ?? 'request' };
  if (name === 'formData' || /^FormData$/.test(typeText)) return { kind: 'value', source: name ?? 'formData' };
  if (name === 'ctx' || name === 'context') return context('handler', name);
  if (name === 'event') return context('event', name);
  if (name === 'c') return context('hono', name);
  const handler = isRequestHandler(fn);
  if (!name) return handler ? context('handler', '') : isPageExport(fn) ? context('page', '') : undefined;
  if (name === 'props' && isPageExport(fn)) return context('page', name);
  // Any other string (or untyped) parameter of a route handler: `router.get('/:id', (req, res, id: string) => …)`.
  if (handler && !ts.isMethodDeclaration(fn) && !NOT_INPUT_PARAMETER.test(name) && (!parameter.type || isStringType(parameter.type))) return { kind: 'value', source: name };
  return undefined;
}

function context(flavour: keyof typeof CONTEXT_MEMBERS, source: string): InputOrigin {
  const members = CONTEXT_MEMBERS[flavour];
  return {
    kind: 'context',
    source,
    member: (key) => {
      const kind = members[key];
      return kind && { kind, source: source ? `${source}.${key}` : key };
    },
  };
}

/** A NestJS parameter decorator (`@Query('name')`, `@Body()`, `@Req()`) that hands the method part of the request: its name and text. */
function nestDecorator(parameter: ts.ParameterDeclaration): { name: string; text: string } | undefined {
  for (const decorator of ts.canHaveDecorators(parameter) ? (ts.getDecorators(parameter) ?? []) : []) {
    const expression = decorator.expression;
    const name = ts.isCallExpression(expression) ? terminalName(expression.expression) : terminalName(expression);
    if (name && (NEST_INPUT_DECORATORS.has(name) || name === 'Req' || name === 'Request')) return { name, text: `@${shortText(expression, parameter.getSourceFile())}` };
  }
  return undefined;
}

/** `string`, `string[]`, `any`, `string | undefined`: a declared type that admits any text. */
export function isStringType(type: ts.TypeNode): boolean {
  if (type.kind === ts.SyntaxKind.StringKeyword || type.kind === ts.SyntaxKind.AnyKeyword) return true;
  if (ts.isArrayTypeNode(type)) return isStringType(type.elementType);
  if (ts.isParenthesizedTypeNode(type)) return isStringType(type.type);
  if (ts.isUnionTypeNode(type)) return type.types.some(isStringType);
  return false;
}

/** A Next.js page, layout or metadata function: the module's default export, or an exported `generateMetadata`. */
function isPageExport(fn: ts.FunctionLikeDeclaration): boolean {
  const holder = ts.isFunctionDeclaration(fn) ? fn : ts.isVariableDeclaration(fn.parent) ? fn.parent.parent.parent : ts.isExportAssignment(fn.parent) ? fn.parent : undefined;
  if (!holder) return false;
  if (ts.isExportAssignment(holder)) return !holder.isExportEquals;
  const modifiers = ts.canHaveModifiers(holder) ? (ts.getModifiers(holder) ?? []) : [];
  if (!modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) return false;
  const name = ts.isFunctionDeclaration(fn) ? fn.name?.text : ts.isVariableDeclaration(fn.parent) ? fn.parent.name.getText() : undefined;
  return modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword) || name === 'generateMetadata';
}

interface Procedure {
  /** The argument of `.input(…)`, if the chain has one. */
  schema: ts.Expression | undefined;
  /** What the chain starts from: `publicProcedure`, `t.procedure`, `adminProcedure`. */
  base: ts.Expression;
}

/** `publicProcedure.input(schema).query(({ input }) => …)`: the procedure whose handler is `fn`. */
function procedureOf(fn: ts.FunctionLikeDeclaration): Procedure | undefined {
  const call = fn.parent;
  if (!ts.isCallExpression(call) || !call.arguments.includes(fn as ts.Expression) || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  if (!['query', 'mutation', 'subscription'].includes(call.expression.name.text)) return undefined;
  let schema: ts.Expression | undefined;
  let link = unwrap(call.expression.expression);
  let chained = false;
  while (ts.isCallExpression(link) && ts.isPropertyAccessExpression(link.expression)) {
    if (link.expression.name.text === 'input' && !schema) schema = link.arguments[0];
    chained = true;
    link = unwrap(link.expression.expression);
  }
  const base = terminalName(link) ?? '';
  return chained || /[pP]rocedure$/.test(base) ? { schema, base: link } : undefined;
}

/** A tRPC handler's options: `input` as the procedure's schema lets it through, `ctx` as a context. */
function procedureOptions(procedure: Procedure, name: string | undefined): InputOrigin {
  return {
    kind: 'context',
    source: name ?? '',
    member: (key) => {
      if (key === 'ctx') return context('handler', name ? `${name}.ctx` : 'ctx');
      if (key !== 'input' || !procedure.schema) return undefined;
      if (visibleZodSchema(procedure.schema)) return { kind: 'value', source: 'input', schema: procedure.schema };
      // The schema lives in another file: a field used as it is counts when anyone can call the procedure.
      return /public|protected/i.test(terminalName(procedure.base) ?? '') || terminalName(procedure.base) === 'procedure' ? { kind: 'value', source: 'input' } : undefined;
    },
  };
}
