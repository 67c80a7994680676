/** Decides whether text pasted into SQL is out of a request's reach: constants, numbers, the environment, checked or escaped values. */
import ts = require('typescript');
import { calleeName, isFunctionLike, unwrap } from '../code/syntax';
import { callbackList, constInitializer, declarationOf, destructuredFrom, enclosingFunction } from './code-scope';
import { isExportedDeclaration, isSchemaEnum, localType, memberTypes, quotelessMember, quotelessType, quotelessZod, zodField, zodSchemaOf } from './declared-types';

/** Calls whose result is a number, which cannot carry SQL. */
const NUMERIC_CALLS = new Set(['Number', 'parseInt', 'parseFloat', 'BigInt', 'toFixed', 'toPrecision', 'round', 'floor', 'ceil', 'trunc', 'abs', 'min', 'max', 'getTime', 'valueOf', 'now', 'indexOf', 'findIndex']);
/** Methods whose text holds no quote whatever the value: a date's ISO form, `Date.prototype.toJSON`. */
const QUOTELESS_CALLS = new Set(['toISOString', 'toJSON']);
/** Operators whose result is always a number (or a boolean). */
const NUMERIC_OPERATORS = new Set([
  ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken, ts.SyntaxKind.PercentToken, ts.SyntaxKind.AsteriskAsteriskToken,
  ts.SyntaxKind.AmpersandToken, ts.SyntaxKind.BarToken, ts.SyntaxKind.CaretToken, ts.SyntaxKind.LessThanLessThanToken, ts.SyntaxKind.GreaterThanGreaterThanToken,
  ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken, ts.SyntaxKind.LessThanToken, ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken,
]);
const MAX_DEPTH = 8;

/**
 * True when no request can choose the text: literals, `const`s bound to them, SCREAMING_CASE module
 * constants (imported or not), `process.env`, numbers (arithmetic, `Number(x)`, `.length`, values
 * declared `number`/`Date`/a union of literals), a date's `toISOString()`, values looked up in a
 * constant map, values doubled-quoted by hand, values a pattern or an allow-list checked earlier in the
 * function, and lists of such values joined.
 */
export function isTrustedText(expression: ts.Expression, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = unwrap(expression);
  if (ts.isStringLiteralLike(node) || ts.isNumericLiteral(node) || ts.isBigIntLiteral(node) || ts.isRegularExpressionLiteral(node)) return true;
  if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword || node.kind === ts.SyntaxKind.NullKeyword) return true;
  if (ts.isTemplateExpression(node)) return node.templateSpans.every((span) => isTrustedText(span.expression, depth));
  // `-x`, `+x`, `~x`, `!x`: a number or a boolean.
  if (ts.isPrefixUnaryExpression(node)) return true;
  if (ts.isPostfixUnaryExpression(node) || ts.isTypeOfExpression(node)) return true;
  if (ts.isBinaryExpression(node)) {
    if (NUMERIC_OPERATORS.has(node.operatorToken.kind)) return true;
    return isTrustedText(node.left, depth) && isTrustedText(node.right, depth);
  }
  if (ts.isConditionalExpression(node)) return isTrustedText(node.whenTrue, depth) && isTrustedText(node.whenFalse, depth);
  if (ts.isAwaitExpression(node)) return isTrustedText(node.expression, depth);
  if (ts.isCallExpression(node)) return isTrustedCall(node, depth);
  if (ts.isIdentifier(node)) return isTrustedIdentifier(node, depth);
  if (ts.isPropertyAccessExpression(node)) return isTrustedProperty(node, depth);
  if (ts.isElementAccessExpression(node)) return isConstantMap(node.expression, depth + 1) || isEnvironment(node) || (isTrustedText(node.expression, depth + 1) && isTrustedText(node.argumentExpression, depth + 1));
  return isCheckedBefore(node);
}

function isTrustedIdentifier(node: ts.Identifier, depth: number): boolean {
  if (/^[A-Z][A-Z0-9_]*$/.test(node.text) && node.text.length > 1) return true;
  if (declaredQuoteless(node)) return true;
  const initializer = constInitializer(node.text, node) ?? numericLet(node);
  if (initializer !== undefined && isTrustedText(initializer, depth + 1)) return true;
  const list = loopedList(node) ?? callbackList(node);
  if (list !== undefined && isTrustedList(list, depth + 1)) return true;
  const destructured = destructuredFrom(node);
  if (destructured && trustedMember(destructured.object, destructured.key, depth + 1)) return true;
  if (givenTrustedByEveryCaller(node, depth)) return true;
  return isCheckedBefore(node);
}

/**
 * A parameter of a function the file keeps to itself, given trusted text at every call:
 * `const tagIdMatch = (col: string) => …` called only as `tagIdMatch('tagId')`.
 */
function givenTrustedByEveryCaller(identifier: ts.Identifier, depth: number): boolean {
  const declaration = declarationOf(identifier.text, identifier);
  if (!declaration || !ts.isParameter(declaration) || !isFunctionLike(declaration.parent)) return false;
  const fn = declaration.parent;
  const index = fn.parameters.indexOf(declaration);
  const name = localName(fn);
  if (!name || index < 0) return false;
  const calls: ts.CallExpression[] = [];
  let escapes = false;
  const walk = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node.text === name && node !== fn.name && !(ts.isVariableDeclaration(node.parent) && node.parent.name === node)) {
      if (ts.isCallExpression(node.parent) && node.parent.expression === node) calls.push(node.parent);
      else escapes = true;
    }
    ts.forEachChild(node, walk);
  };
  walk(identifier.getSourceFile());
  if (escapes || calls.length === 0) return false;
  return calls.every((call) => {
    const argument = call.arguments[index];
    return argument !== undefined && !ts.isSpreadElement(argument) && isTrustedText(argument, depth + 1);
  });
}

/** The name a function is called by in its file, when it is not exported (an exported one has callers elsewhere). */
function localName(fn: ts.FunctionLikeDeclaration): string | undefined {
  const exported = (node: ts.Node): boolean => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
  if (ts.isFunctionDeclaration(fn) && fn.name) return exported(fn) ? undefined : fn.name.text;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) {
    const statement = fn.parent.parent.parent;
    return exported(statement) ? undefined : fn.parent.name.text;
  }
  return undefined;
}

function isTrustedProperty(node: ts.PropertyAccessExpression, depth: number): boolean {
  const name = node.name.text;
  if (name === 'length' || name === 'size') return true;
  if (/^[A-Z][A-Z0-9_]*$/.test(name)) return true;
  if (isEnvironment(node)) return true;
  if (isConstantMap(node.expression, depth + 1) || staticConstant(node, depth)) return true;
  // `Availability.Public`: a member of a schema enum.
  if (isSchemaEnum(unwrap(node.expression))) return true;
  if (trustedMember(node.expression, name, depth)) return true;
  // `urlMatch?.groups?.database` where `urlMatch` comes from the environment: a part of a trusted value.
  if (isTrustedText(node.expression, depth + 1)) return true;
  return isCheckedBefore(node);
}

function isTrustedCall(node: ts.CallExpression, depth: number): boolean {
  const callee = calleeName(node) ?? '';
  if (NUMERIC_CALLS.has(callee) || QUOTELESS_CALLS.has(callee)) return true;
  if (ts.isPropertyAccessExpression(node.expression)) {
    const receiver = node.expression.expression;
    // `json.replace(/'/g, "''")`: quotes doubled by hand.
    if ((callee === 'replace' || callee === 'replaceAll') && doublesQuotes(node)) return true;
    // `ids.join(', ')` of numbers, `value.toString()` of a number, `name.toLowerCase()` of a constant.
    if (['join', 'toString', 'toLowerCase', 'toUpperCase', 'trim', 'slice', 'padStart', 'padEnd'].includes(callee)) {
      if (callee === 'join') return isTrustedList(receiver, depth + 1) && node.arguments.every((argument) => isTrustedText(argument, depth + 1));
      return isTrustedText(receiver, depth + 1);
    }
  }
  // `urlRegex.exec(databaseUrl)`: a method of a trusted value given trusted arguments.
  if (ts.isPropertyAccessExpression(node.expression) && isTrustedText(node.expression.expression, depth + 1) && node.arguments.every((argument) => isTrustedText(argument, depth + 1))) return true;
  if (ts.isIdentifier(node.expression)) {
    const fn = localFunction(node.expression);
    if (fn && (validates(fn) || numericOnly(fn) || readsEnvironmentOnly(fn, node))) return true;
  }
  return false;
}

/** `['a', 'b']`, `ids` declared `number[]`, `xs.map((x) => \`(${x.id}::int)\`)` with a trusted result, a list only ever given trusted pushes. */
function isTrustedList(expression: ts.Expression, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = unwrap(expression);
  if (ts.isArrayLiteralExpression(node)) return node.elements.every((element) => (ts.isSpreadElement(element) ? isTrustedList(element.expression, depth + 1) : isTrustedText(element, depth + 1)));
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const method = node.expression.name.text;
    const receiver = node.expression.expression;
    if (method === 'map' || method === 'flatMap') {
      const callback = node.arguments[0] && unwrap(node.arguments[0]);
      if (callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return returnsTrusted(callback, depth + 1);
      return callback !== undefined && ts.isIdentifier(callback) && (callback.text === 'Number' || (callback.text === 'String' && isTrustedList(receiver, depth + 1)));
    }
    if (method === 'filter' || method === 'slice' || method === 'concat' || method === 'sort') return isTrustedList(receiver, depth + 1);
  }
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Set') return node.arguments?.[0] !== undefined && isTrustedList(node.arguments[0], depth + 1);
  // `formats ?? []`: either list.
  if (ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || node.operatorToken.kind === ts.SyntaxKind.BarBarToken)) return isTrustedList(node.left, depth + 1) && isTrustedList(node.right, depth + 1);
  if (ts.isIdentifier(node)) {
    if (declaredQuoteless(node)) return true;
    const initializer = constInitializer(node.text, node);
    if (initializer === undefined) {
      const destructured = destructuredFrom(node);
      return destructured !== undefined && trustedMember(destructured.object, destructured.key, depth + 1);
    }
    const value = unwrap(initializer);
    if (ts.isArrayLiteralExpression(value) && value.elements.length === 0) return onlyTrustedPushes(node, depth);
    return isTrustedList(initializer, depth + 1);
  }
  if (ts.isPropertyAccessExpression(node)) {
    const owner = unwrap(node.expression);
    const type = ts.isIdentifier(owner) ? declaredType(owner) : undefined;
    return (type !== undefined && quotelessMember(type, node.name.text)) || zodMemberQuoteless(owner, node.name.text);
  }
  return false;
}

function returnsTrusted(callback: ts.ArrowFunction | ts.FunctionExpression, depth: number): boolean {
  if (!ts.isBlock(callback.body)) return isTrustedText(callback.body, depth);
  const returns: ts.Expression[] = [];
  const walk = (child: ts.Node): void => {
    if (ts.isReturnStatement(child) && child.expression) returns.push(child.expression);
    if (!isFunctionLike(child)) ts.forEachChild(child, walk);
  };
  ts.forEachChild(callback.body, walk);
  return returns.length > 0 && returns.every((value) => isTrustedText(value, depth));
}

/** `const clauses: string[] = []` whose every `clauses.push(…)` in the function is trusted text. */
function onlyTrustedPushes(list: ts.Identifier, depth: number): boolean {
  const declaration = declarationOf(list.text, list);
  const scope = declaration && enclosingFunction(declaration);
  if (!scope?.body) return false;
  let trusted = true;
  let pushes = 0;
  const walk = (child: ts.Node): void => {
    if (!trusted) return;
    if (ts.isCallExpression(child) && ts.isPropertyAccessExpression(child.expression) && ts.isIdentifier(child.expression.expression) && child.expression.expression.text === list.text) {
      const method = child.expression.name.text;
      if (method === 'push' || method === 'unshift') {
        pushes++;
        if (!child.arguments.every((argument) => isTrustedText(argument, depth + 1))) trusted = false;
      }
    }
    ts.forEachChild(child, walk);
  };
  walk(scope.body);
  return trusted && pushes > 0;
}

/** `for (const x of LIST)` loop variable: the list it comes from. */
function loopedList(identifier: ts.Identifier): ts.Expression | undefined {
  for (let node: ts.Node | undefined = identifier.parent; node; node = node.parent) {
    if (ts.isForOfStatement(node) && ts.isVariableDeclarationList(node.initializer) && node.initializer.flags & ts.NodeFlags.Const) {
      const declared = node.initializer.declarations[0]?.name;
      if (declared && ts.isIdentifier(declared) && declared.text === identifier.text) return node.expression;
    }
  }
  return undefined;
}

/** `let paramIndex = 1`: a counter, given a number when declared. */
function numericLet(identifier: ts.Identifier): ts.Expression | undefined {
  const declaration = declarationOf(identifier.text, identifier);
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  const value = unwrap(declaration.initializer);
  return ts.isNumericLiteral(value) ? value : undefined;
}

/** `process.env.SCHEMA`, `process.env['SCHEMA']`: set by whoever runs the process. */
function isEnvironment(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): boolean {
  const object = unwrap(node.expression);
  return ts.isPropertyAccessExpression(object) && object.name.text === 'env' && ts.isIdentifier(object.expression) && object.expression.text === 'process';
}

/** `typeToTable[type]`, `SQL_OPERATORS.gt`: a `const` object literal whose values are all trusted text. */
function isConstantMap(expression: ts.Expression, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = unwrap(expression);
  if (!ts.isIdentifier(node)) return false;
  const initializer = constInitializer(node.text, node);
  if (!initializer) return false;
  const value = unwrap(initializer);
  if (!ts.isObjectLiteralExpression(value) || value.properties.length === 0) return false;
  return value.properties.every((property) => ts.isPropertyAssignment(property) && isTrustedText(property.initializer, depth + 1));
}

/** `MonitorScheduler.claimTimeoutMs`, a `static readonly` member of a class of the file initialised with trusted text. */
function staticConstant(node: ts.PropertyAccessExpression, depth: number): boolean {
  const owner = unwrap(node.expression);
  if (!ts.isIdentifier(owner)) return false;
  const sourceFile = node.getSourceFile();
  for (const statement of sourceFile.statements) {
    if (!ts.isClassDeclaration(statement) || statement.name?.text !== owner.text) continue;
    for (const member of statement.members) {
      if (!ts.isPropertyDeclaration(member) || !member.initializer || !ts.isIdentifier(member.name) || member.name.text !== node.name.text) continue;
      const modifiers = ts.getModifiers(member) ?? [];
      const isStaticReadonly = modifiers.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) && modifiers.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword);
      return isStaticReadonly && isTrustedText(member.initializer, depth + 1);
    }
  }
  return false;
}

/** `str.replace(/'/g, "''")`, `str.replaceAll("'", "''")`. */
function doublesQuotes(call: ts.CallExpression): boolean {
  const [pattern, replacement] = call.arguments;
  if (!pattern || !replacement || !ts.isStringLiteralLike(unwrap(replacement)) || (unwrap(replacement) as ts.StringLiteral).text !== "''") return false;
  const text = unwrap(pattern).getText();
  return text === "/'/g" || /^["'`](?:\\')?'["'`]$/.test(text) || (ts.isStringLiteralLike(unwrap(pattern)) && (unwrap(pattern) as ts.StringLiteral).text === "'");
}

/** The declared type of a variable or parameter, including a name destructured from a typed parameter (`{ userId }: { userId: number }`). */
function declaredType(identifier: ts.Identifier): ts.TypeNode | undefined {
  const declaration = declarationOf(identifier.text, identifier);
  if (declaration?.type) return declaration.type;
  const destructured = destructuredParameter(identifier);
  const members = destructured && memberTypes(destructured.type, destructured.key);
  return members?.length === 1 ? members[0] : undefined;
}

/** `{ id, userId }: GetByIdInput & { userId: number }`: the parameter's type and the key the name is taken from. */
function destructuredParameter(identifier: ts.Identifier): { type: ts.TypeNode; key: string } | undefined {
  for (let fn = enclosingFunction(identifier); fn; fn = enclosingFunction(fn)) {
    for (const parameter of fn.parameters) {
      if (!ts.isObjectBindingPattern(parameter.name) || !parameter.type) continue;
      const element = parameter.name.elements.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === identifier.text);
      if (!element) continue;
      const key = element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : identifier.text;
      return { type: parameter.type, key };
    }
  }
  return undefined;
}

function declaredQuoteless(identifier: ts.Identifier): boolean {
  const declaration = declarationOf(identifier.text, identifier);
  if (declaration?.type) return quotelessType(declaration.type);
  const destructured = destructuredParameter(identifier);
  return destructured !== undefined && quotelessMember(destructured.type, destructured.key);
}

/**
 * Member `key` of `owner` cannot hold a quote, by what the file declares: `batch.startId` where
 * `batch: { startId: number }` or the file's own `Batch` type says so, `input.format` where the
 * procedure's input schema has `format: z.enum([…])`, or `cfg.alias` where every value of the file's
 * own (unexported) configuration type is written in the file with constant text there.
 */
function trustedMember(owner: ts.Expression, key: string, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = unwrap(owner);
  const type = ts.isIdentifier(node) ? declaredType(node) : undefined;
  if (type && quotelessMember(type, key)) return true;
  if (zodMemberQuoteless(owner, key)) return true;
  return configuredConstant(owner, key, depth);
}

/** `input.format` in a tRPC handler whose `.input(z.object({ format: z.enum([…]) }))` fixes what it holds, or `parsed.format` of `const parsed = schema.parse(…)`. */
function zodMemberQuoteless(owner: ts.Expression, key: string): boolean {
  const schema = zodSchemaOf(unwrap(owner));
  const field = schema && zodField(schema, key);
  return field !== undefined && quotelessZod(field);
}

/**
 * `cfg.alias` where `cfg: IndexConfig`, a type the file declares without exporting it, and every value
 * the file declares of that type (`const CONFIGS: IndexConfig[] = [{ alias: 'm', … }]`) sets `alias`
 * to trusted text: a configuration written in code, not a request's value.
 */
function configuredConstant(owner: ts.Expression, key: string, depth: number): boolean {
  const node = unwrap(owner);
  if (!ts.isIdentifier(node)) return false;
  const type = declaredType(node);
  if (!type || !ts.isTypeReferenceNode(type) || type.typeArguments) return false;
  const typeName = type.typeName.getText();
  const declaration = localType(typeName, type);
  if (!declaration || ts.isEnumDeclaration(declaration) || isExportedDeclaration(declaration)) return false;
  const instances: ts.ObjectLiteralExpression[] = [];
  let opaque = false;
  const collect = (value: ts.Expression, list: boolean): void => {
    const literal = unwrap(value);
    if (list && ts.isArrayLiteralExpression(literal)) literal.elements.forEach((element) => collect(element, false));
    else if (!list && ts.isObjectLiteralExpression(literal)) instances.push(literal);
    else opaque = true;
  };
  const walk = (child: ts.Node): void => {
    if (opaque) return;
    if (ts.isVariableDeclaration(child) && child.type) {
      const declared = child.type;
      const named = (candidate: ts.TypeNode): boolean => ts.isTypeReferenceNode(candidate) && candidate.typeName.getText() === typeName;
      const isList = ts.isArrayTypeNode(declared) && named(declared.elementType);
      if (named(declared) || isList) {
        if (!child.initializer) opaque = true;
        else collect(child.initializer, isList);
      }
    }
    // A function that returns the type, or builds it as `{ … } satisfies IndexConfig`: values the file computes.
    if (ts.isFunctionLike(child) && child.type && child.type.getText().includes(typeName)) opaque = true;
    if ((ts.isSatisfiesExpression(child) || ts.isAsExpression(child)) && child.type.getText().includes(typeName) && !ts.isObjectLiteralExpression(unwrap(child.expression))) opaque = true;
    if ((ts.isSatisfiesExpression(child) || ts.isAsExpression(child)) && ts.isTypeReferenceNode(child.type) && child.type.typeName.getText() === typeName && ts.isObjectLiteralExpression(unwrap(child.expression))) instances.push(unwrap(child.expression) as ts.ObjectLiteralExpression);
    ts.forEachChild(child, walk);
  };
  walk(node.getSourceFile());
  if (opaque || instances.length === 0) return false;
  return instances.every((instance) => {
    const property = instance.properties.find((candidate) => candidate.name !== undefined && candidate.name.getText().replace(/^['"]|['"]$/g, '') === key);
    return property !== undefined && ts.isPropertyAssignment(property) && isTrustedText(property.initializer, depth + 1);
  });
}

/** A function declared in the same file under this name. */
function localFunction(name: ts.Identifier): ts.FunctionLikeDeclaration | undefined {
  for (const statement of name.getSourceFile().statements) {
    const declaration = ts.isExportAssignment(statement) ? undefined : statement;
    if (declaration && ts.isFunctionDeclaration(declaration) && declaration.name?.text === name.text) return declaration;
    if (declaration && ts.isVariableStatement(declaration)) {
      for (const variable of declaration.declarationList.declarations) {
        const value = variable.initializer && unwrap(variable.initializer);
        if (ts.isIdentifier(variable.name) && variable.name.text === name.text && value && (ts.isArrowFunction(value) || ts.isFunctionExpression(value))) return value;
      }
    }
  }
  return undefined;
}

/** `function safeName(n) { if (!/^Webhook_\d+$/.test(n)) throw …; return n; }`: checks its argument against a pattern or list and throws otherwise. */
function validates(fn: ts.FunctionLikeDeclaration): boolean {
  const text = fn.body?.getText() ?? '';
  return /\/\^[^/\n]*\$\/[a-z]*\.test\(|\.(?:includes|has)\(/.test(text) && /\bthrow\b/.test(text);
}

/** `function intList(values: number[])`: every parameter holds numbers, so the text it returns does too. */
function numericOnly(fn: ts.FunctionLikeDeclaration): boolean {
  return fn.parameters.length > 0 && fn.parameters.every((parameter) => parameter.type !== undefined && quotelessType(parameter.type));
}

/** `getSchema()` with no argument whose body reads `process.env`: the operator's setting, not a request's. */
function readsEnvironmentOnly(fn: ts.FunctionLikeDeclaration, call: ts.CallExpression): boolean {
  return call.arguments.length === 0 && fn.parameters.length === 0 && /\bprocess\.env\b/.test(fn.body?.getText() ?? '');
}

/**
 * Earlier in the function, `if (!/^[a-z_]+$/.test(x)) throw …` or `if (!allowed.includes(x)) return …`:
 * only the values the pattern or the list allow get past.
 */
function isCheckedBefore(node: ts.Expression): boolean {
  const text = node.getText();
  const fn = enclosingFunction(node);
  if (!fn?.body || !ts.isBlock(fn.body)) return false;
  let checked = false;
  const walk = (child: ts.Node): void => {
    if (checked || child.getStart() >= node.getStart()) return;
    if (ts.isIfStatement(child) && exits(child.thenStatement) && rejectsUnlisted(child.expression, text)) checked = true;
    if (!isFunctionLike(child)) ts.forEachChild(child, walk);
  };
  ts.forEachChild(fn.body, walk);
  return checked;
}

function rejectsUnlisted(condition: ts.Expression, text: string): boolean {
  const node = unwrap(condition);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.BarBarToken) return rejectsUnlisted(node.left, text) || rejectsUnlisted(node.right, text);
  if (!ts.isPrefixUnaryExpression(node) || node.operator !== ts.SyntaxKind.ExclamationToken) return false;
  const call = unwrap(node.operand);
  if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) return false;
  const method = call.expression.name.text;
  if (!['test', 'includes', 'has'].includes(method)) return false;
  return call.arguments.some((argument) => unwrap(argument).getText() === text);
}

function exits(statement: ts.Statement): boolean {
  if (ts.isThrowStatement(statement) || ts.isReturnStatement(statement)) return true;
  return ts.isBlock(statement) && statement.statements.some((inner) => ts.isThrowStatement(inner) || ts.isReturnStatement(inner));
}
