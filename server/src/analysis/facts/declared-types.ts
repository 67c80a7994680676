/** Reads what a file declares about a value's type without a type checker: annotations, its own type aliases and interfaces, zod schemas. */
import ts = require('typescript');
import { propertyName, unwrap } from '../code/syntax';
import { constInitializer, declarationOf, enclosingFunction } from './code-scope';

/** Type texts whose values cannot hold a quote: `number`, `bigint`, `boolean`, `Date`, literals. */
const QUOTELESS_TYPE = /^(?:number|bigint|boolean|Date|true|false|null|undefined|-?\d[\d_.]*|'[^'\\]*'|"[^"\\]*")$/;
/** Zod schemas whose parsed value cannot hold a quote. */
const QUOTELESS_ZOD = new Set(['number', 'boolean', 'bigint', 'date', 'nan', 'null', 'undefined', 'enum', 'nativeEnum', 'literal']);
/** String checks whose accepted text holds no quote. */
const QUOTELESS_STRING_CHECKS = new Set(['uuid', 'cuid', 'cuid2', 'ulid', 'datetime', 'date', 'time', 'ip', 'cidr', 'base64', 'nanoid']);
/** Zod methods that keep what a schema accepts (or make a list of it, whose text stays quoteless). */
const ZOD_WRAPPERS = new Set(['optional', 'nullable', 'nullish', 'default', 'catch', 'array', 'min', 'max', 'int', 'positive', 'nonnegative', 'negative', 'nonpositive', 'finite', 'safe', 'step', 'multipleOf', 'describe', 'readonly', 'length', 'nonempty', 'gte', 'lte', 'gt', 'lt']);
/** Zod methods that keep the fields of an object schema. */
const ZOD_OBJECT_WRAPPERS = new Set(['optional', 'nullable', 'nullish', 'default', 'partial', 'required', 'strict', 'passthrough', 'strip', 'describe', 'readonly', 'refine', 'superRefine']);
const MAX_DEPTH = 6;

/** The Prisma schema's enum names, per file: values typed with one are the enum's identifiers. */
const schemaEnumsByFile = new WeakMap<ts.SourceFile, ReadonlySet<string>>();

/** Tells the file's readers which names are enums of the schema it runs against (`Availability`, `Role`). */
export function declareSchemaEnums(sourceFile: ts.SourceFile, names: Iterable<string>): void {
  schemaEnumsByFile.set(sourceFile, new Set(names));
}

/**
 * `Availability`, imported (from the Prisma Client or a module that re-exports it) under the name of an
 * enum of the schema, or `$Enums.Availability`: its values are the enum's identifiers, which hold no quote.
 */
export function isSchemaEnum(name: ts.EntityName | ts.Expression): boolean {
  const enums = schemaEnumsByFile.get(name.getSourceFile());
  if (!enums) return false;
  if (ts.isQualifiedName(name) || ts.isPropertyAccessExpression(name)) {
    const qualifier = ts.isQualifiedName(name) ? name.left : name.expression;
    const last = ts.isQualifiedName(name) ? name.right : name.name;
    return ts.isIdentifier(last) && enums.has(last.text) && /(?:^|\.)\$Enums$/.test(qualifier.getText());
  }
  if (!ts.isIdentifier(name)) return false;
  const imported = importedName(name.text, name.getSourceFile());
  return imported !== undefined && enums.has(imported);
}

/** The name a binding is exported under by the module it is imported from: `Role` for `import { Role as R }`. */
function importedName(local: string, sourceFile: ts.SourceFile): string | undefined {
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    const element = bindings.elements.find((candidate) => candidate.name.text === local);
    if (element) return (element.propertyName ?? element.name).text;
  }
  return undefined;
}

/** True when every value of the declared type is free of quotes: numbers, booleans, dates, literals, lists and unions of them, the file's own aliases of such types, `z.infer` of such a schema. */
export function quotelessType(type: ts.TypeNode, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  if (ts.isArrayTypeNode(type)) return quotelessType(type.elementType, depth + 1);
  if (ts.isUnionTypeNode(type)) return type.types.every((member) => quotelessType(member, depth + 1));
  if (ts.isParenthesizedTypeNode(type)) return quotelessType(type.type, depth + 1);
  if (ts.isTypeOperatorNode(type)) {
    // `readonly number[]`, and `keyof typeof ROLES`: the keys of an object the file spells out.
    if (type.operator === ts.SyntaxKind.ReadonlyKeyword) return quotelessType(type.type, depth + 1);
    if (type.operator === ts.SyntaxKind.KeyOfKeyword && ts.isTypeQueryNode(type.type)) return constantKeys(type.type.exprName);
    return false;
  }
  // `(typeof FORMATS)[number]`: a member of an `as const` list of literals.
  if (ts.isIndexedAccessTypeNode(type)) {
    const object = ts.isParenthesizedTypeNode(type.objectType) ? type.objectType.type : type.objectType;
    return ts.isTypeQueryNode(object) && constantLiteralList(object.exprName);
  }
  if (ts.isTypeReferenceNode(type)) {
    const name = type.typeName.getText();
    if ((name === 'Array' || name === 'ReadonlyArray') && type.typeArguments?.length === 1) return quotelessType(type.typeArguments[0]!, depth + 1);
    if (isSchemaEnum(type.typeName)) return true;
    const schema = inferredSchema(type);
    if (schema) return quotelessZod(schema, depth + 1);
    const alias = localType(name, type);
    if (alias && ts.isTypeAliasDeclaration(alias) && !alias.typeParameters) return quotelessType(alias.type, depth + 1);
    if (alias && ts.isEnumDeclaration(alias)) return true;
    return false;
  }
  return QUOTELESS_TYPE.test(type.getText().trim());
}

/**
 * The declared types of member `key` of an object type: a type literal, the file's own interface or
 * alias, an intersection (any part that declares it) or a union (every variant that declares it).
 * Undefined when some part is not known in the file, so the member's type is unknown.
 */
export function memberTypes(type: ts.TypeNode, key: string, depth = 0): ts.TypeNode[] | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (ts.isParenthesizedTypeNode(type)) return memberTypes(type.type, key, depth + 1);
  if (ts.isTypeLiteralNode(type)) return membersNamed(type.members, key);
  if (ts.isIntersectionTypeNode(type)) {
    for (const part of type.types) {
      const found = memberTypes(part, key, depth + 1);
      if (found && found.length > 0) return found;
    }
    return undefined;
  }
  if (ts.isUnionTypeNode(type)) {
    const found: ts.TypeNode[] = [];
    for (const variant of type.types) {
      if (variant.kind === ts.SyntaxKind.NullKeyword || variant.kind === ts.SyntaxKind.UndefinedKeyword || (ts.isLiteralTypeNode(variant) && variant.literal.kind === ts.SyntaxKind.NullKeyword)) continue;
      const inVariant = memberTypes(variant, key, depth + 1);
      if (!inVariant) return undefined;
      found.push(...inVariant);
    }
    return found.length > 0 ? found : undefined;
  }
  if (ts.isTypeReferenceNode(type)) {
    const declaration = localType(type.typeName.getText(), type);
    if (declaration && ts.isInterfaceDeclaration(declaration) && !declaration.heritageClauses) {
      const found = membersNamed(declaration.members, key);
      return found.length > 0 ? found : undefined;
    }
    if (declaration && ts.isTypeAliasDeclaration(declaration) && !declaration.typeParameters) return memberTypes(declaration.type, key, depth + 1);
  }
  return undefined;
}

/** True when member `key` of the object type holds no quote: declared so, or a field of the zod schema the type is inferred from. */
export function quotelessMember(type: ts.TypeNode, key: string): boolean {
  const members = memberTypes(type, key);
  if (members) return members.every((member) => quotelessType(member));
  const schema = ts.isTypeReferenceNode(type) ? inferredSchema(type) : undefined;
  const field = schema && zodField(schema, key);
  return field !== undefined && quotelessZod(field);
}

function membersNamed(members: ts.NodeArray<ts.TypeElement>, key: string): ts.TypeNode[] {
  const found: ts.TypeNode[] = [];
  for (const member of members) {
    if (ts.isPropertySignature(member) && member.type && member.name.getText().replace(/^['"]|['"]$/g, '') === key) found.push(member.type);
  }
  return found;
}

/** A type alias, interface or enum declared at the top of the file under `name`. */
export function localType(name: string, from: ts.Node): ts.TypeAliasDeclaration | ts.InterfaceDeclaration | ts.EnumDeclaration | undefined {
  for (const statement of from.getSourceFile().statements) {
    if ((ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name.text === name) return statement;
  }
  return undefined;
}

/** True when the declaration carries `export`. */
export function isExportedDeclaration(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
}

/** `z.infer<typeof schema>`, `z.output<…>`, `z.input<…>`: the schema named, when the file declares it. */
function inferredSchema(type: ts.TypeReferenceNode): ts.Expression | undefined {
  if (!/^(?:z\.)?(?:infer|input|output|TypeOf)$/.test(type.typeName.getText()) || type.typeArguments?.length !== 1) return undefined;
  const argument = type.typeArguments[0]!;
  if (!ts.isTypeQueryNode(argument) || !ts.isIdentifier(argument.exprName)) return undefined;
  return constInitializer(argument.exprName.text, argument);
}

/** True when what the zod schema accepts holds no quote: `z.number()`, `z.enum([…])`, `z.nativeEnum(Role)`, `z.string().uuid()`, lists and unions of them. */
export function quotelessZod(expression: ts.Expression, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = unwrap(expression);
  if (ts.isIdentifier(node)) {
    const initializer = constInitializer(node.text, node);
    return initializer !== undefined && quotelessZod(initializer, depth + 1);
  }
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return false;
  const method = node.expression.name.text;
  const receiver = unwrap(node.expression.expression);
  if (isZodNamespace(receiver)) {
    if (QUOTELESS_ZOD.has(method)) return true;
    if (method === 'array' || method === 'set') return node.arguments[0] !== undefined && quotelessZod(node.arguments[0], depth + 1);
    if (method === 'union') {
      const options = node.arguments[0] && unwrap(node.arguments[0]);
      return options !== undefined && ts.isArrayLiteralExpression(options) && options.elements.every((option) => quotelessZod(option, depth + 1));
    }
    return false;
  }
  // `z.coerce.number()`: a number whatever the input was.
  if (ts.isPropertyAccessExpression(receiver) && receiver.name.text === 'coerce' && isZodNamespace(unwrap(receiver.expression))) return ['number', 'boolean', 'bigint', 'date'].includes(method);
  if (QUOTELESS_STRING_CHECKS.has(method) && isZodString(receiver)) return true;
  if (ZOD_WRAPPERS.has(method)) return quotelessZod(receiver, depth + 1);
  return false;
}

function isZodNamespace(node: ts.Expression): boolean {
  return ts.isIdentifier(node) && (node.text === 'z' || node.text === 'zod');
}

/** `z.string()` with any checks chained after it. */
function isZodString(node: ts.Expression): boolean {
  const value = unwrap(node);
  if (!ts.isCallExpression(value) || !ts.isPropertyAccessExpression(value.expression)) return false;
  const receiver = unwrap(value.expression.expression);
  if (isZodNamespace(receiver)) return value.expression.name.text === 'string';
  return isZodString(receiver);
}

/** The schema of field `key` of a zod object schema: `z.object({ key: … })`, through `.extend`, `.partial()`, `.optional()` and `const` names. */
export function zodField(schema: ts.Expression, key: string, depth = 0): ts.Expression | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrap(schema);
  if (ts.isIdentifier(node)) {
    const initializer = constInitializer(node.text, node);
    return initializer && zodField(initializer, key, depth + 1);
  }
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return undefined;
  const method = node.expression.name.text;
  const receiver = unwrap(node.expression.expression);
  const fromLiteral = (argument: ts.Expression | undefined): ts.Expression | undefined => {
    const shape = argument && unwrap(argument);
    if (!shape || !ts.isObjectLiteralExpression(shape)) return undefined;
    const property = shape.properties.find((candidate) => propertyName(candidate) === key);
    return property && ts.isPropertyAssignment(property) ? property.initializer : undefined;
  };
  if (isZodNamespace(receiver)) return method === 'object' || method === 'strictObject' ? fromLiteral(node.arguments[0]) : undefined;
  if (method === 'extend') return fromLiteral(node.arguments[0]) ?? zodField(receiver, key, depth + 1);
  if (method === 'merge') return (node.arguments[0] && zodField(node.arguments[0], key, depth + 1)) ?? zodField(receiver, key, depth + 1);
  if (ZOD_OBJECT_WRAPPERS.has(method)) return zodField(receiver, key, depth + 1);
  return undefined;
}

/**
 * The input schema of a tRPC procedure whose handler is `fn`:
 * `procedure.input(schema).query(({ input }) => …)`, or `opts` in `.mutation((opts) => opts.input…)`.
 */
export function procedureInputSchema(fn: ts.FunctionLikeDeclaration): ts.Expression | undefined {
  const call = fn.parent;
  if (!ts.isCallExpression(call) || !call.arguments.includes(fn as ts.Expression) || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  if (!['query', 'mutation', 'subscription'].includes(call.expression.name.text)) return undefined;
  for (let link: ts.Expression = call.expression.expression; ; ) {
    const node = unwrap(link);
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return undefined;
    if (node.expression.name.text === 'input') return node.arguments[0];
    link = node.expression.expression;
  }
}

/** `keyof typeof ROLES` where `ROLES` is a `const` object literal: its keys are written in the file. */
function constantKeys(name: ts.EntityName): boolean {
  if (!ts.isIdentifier(name)) return false;
  const value = constInitializer(name.text, name);
  const object = value && unwrap(value);
  return !!object && ts.isObjectLiteralExpression(object) && object.properties.every((property) => {
    const key = propertyName(property);
    return key !== undefined && !/['\\]/.test(key) && !(property.name && ts.isComputedPropertyName(property.name));
  });
}

/** `FORMATS` declared `const FORMATS = ['a', 'b'] as const`. */
function constantLiteralList(name: ts.EntityName): boolean {
  if (!ts.isIdentifier(name)) return false;
  const value = constInitializer(name.text, name);
  const list = value && unwrap(value);
  return !!list && ts.isArrayLiteralExpression(list) && list.elements.every((element) => (ts.isStringLiteralLike(element) && !element.text.includes("'")) || ts.isNumericLiteral(element));
}

/** The zod schema a value was parsed with: tRPC `input` (or `opts.input`) of a procedure with `.input(schema)`, `schema.parse(…)`, `result.data` of `schema.safeParse(…)`. */
export function zodSchemaOf(node: ts.Expression): ts.Expression | undefined {
  // `opts.input` with `opts` the handler's parameter.
  if (ts.isPropertyAccessExpression(node) && node.name.text === 'input' && ts.isIdentifier(node.expression)) {
    const declaration = declarationOf(node.expression.text, node.expression);
    if (declaration && ts.isParameter(declaration) && ts.isFunctionLike(declaration.parent) && declaration.parent.parameters[0] === declaration) return procedureInputSchema(declaration.parent as ts.FunctionLikeDeclaration);
    return undefined;
  }
  // `schema.parse(req.query).modelIds`, `const { modelIds } = schema.parse(req.query)`.
  const parsed = parsedSchema(node);
  if (parsed) return parsed;
  if (!ts.isIdentifier(node)) return undefined;
  // `({ input }) => …`: the first parameter's `input`.
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const first = fn.parameters[0];
    if (first && ts.isObjectBindingPattern(first.name) && first.name.elements.some((element) => ts.isIdentifier(element.name) && element.name.text === node.text && (element.propertyName ?? element.name).getText() === 'input')) return procedureInputSchema(fn);
    if (fn.parameters.some((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === node.text)) break;
  }
  // `const parsed = schema.parse(body)`.
  const initializer = constInitializer(node.text, node);
  return initializer && parsedSchema(initializer);
}

/** `schema.parse(body)`, `await schema.parseAsync(body)`, `result.data` of `const result = schema.safeParse(body)`: the schema whose output the value is. */
function parsedSchema(expression: ts.Expression): ts.Expression | undefined {
  let value = unwrap(expression);
  if (ts.isAwaitExpression(value)) value = unwrap(value.expression);
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && ['parse', 'parseAsync'].includes(value.expression.name.text)) return value.expression.expression;
  if (ts.isPropertyAccessExpression(value) && value.name.text === 'data' && ts.isIdentifier(value.expression)) {
    const result = constInitializer(value.expression.text, value.expression);
    let call = result && unwrap(result);
    if (call && ts.isAwaitExpression(call)) call = unwrap(call.expression);
    if (call && ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) && ['safeParse', 'safeParseAsync'].includes(call.expression.name.text)) return call.expression.expression;
  }
  return undefined;
}

/** Zod methods that keep a string schema's text free: checks that let a quote through, formatting and wrappers. */
const FREE_TEXT_WRAPPERS = new Set(['optional', 'nullable', 'nullish', 'default', 'catch', 'min', 'max', 'length', 'nonempty', 'trim', 'toLowerCase', 'toUpperCase', 'describe', 'email', 'url', 'startsWith', 'endsWith', 'includes', 'array', 'readonly', 'brand']);

/**
 * True when the zod schema accepts any text: `z.string()` with no check that keeps quotes out
 * (`.email()` lets `o'neil@x.io` through), a list or a union with such a member. `z.enum`, `z.number`,
 * `.uuid()`, `.regex(…)`, `.refine(…)`, `.transform(…)` and schemas the file does not spell out do not.
 */
export function freeTextZod(expression: ts.Expression, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = unwrap(expression);
  if (ts.isIdentifier(node)) {
    const initializer = constInitializer(node.text, node);
    return initializer !== undefined && freeTextZod(initializer, depth + 1);
  }
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return false;
  const method = node.expression.name.text;
  const receiver = unwrap(node.expression.expression);
  if (isZodNamespace(receiver)) {
    if (method === 'string') return true;
    if (method === 'array' || method === 'set') return node.arguments[0] !== undefined && freeTextZod(node.arguments[0], depth + 1);
    if (method === 'union') {
      const options = node.arguments[0] && unwrap(node.arguments[0]);
      return options !== undefined && ts.isArrayLiteralExpression(options) && options.elements.some((option) => freeTextZod(option, depth + 1));
    }
    return false;
  }
  if (ts.isPropertyAccessExpression(receiver) && receiver.name.text === 'coerce' && isZodNamespace(unwrap(receiver.expression))) return method === 'string';
  if (method === 'or') return freeTextZod(receiver, depth + 1) || (node.arguments[0] !== undefined && freeTextZod(node.arguments[0], depth + 1));
  return FREE_TEXT_WRAPPERS.has(method) && freeTextZod(receiver, depth + 1);
}

/**
 * True when the file spells the schema out, so its fields can be read: `z.object({…})` and what is
 * chained on it, a `const` bound to one, or `imported.extend({…})` (whose other fields stay unknown).
 */
export function visibleZodSchema(expression: ts.Expression, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = unwrap(expression);
  if (ts.isIdentifier(node)) {
    const initializer = constInitializer(node.text, node);
    return initializer !== undefined && visibleZodSchema(initializer, depth + 1);
  }
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return false;
  const receiver = unwrap(node.expression.expression);
  if (isZodNamespace(receiver) || node.expression.name.text === 'extend') return true;
  if (ts.isPropertyAccessExpression(receiver) && receiver.name.text === 'coerce' && isZodNamespace(unwrap(receiver.expression))) return true;
  return visibleZodSchema(receiver, depth + 1);
}

/** The schema of a list schema's elements: `x` of `z.array(x)` or `x.array()`, through wrappers. */
export function zodElement(expression: ts.Expression, depth = 0): ts.Expression | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrap(expression);
  if (ts.isIdentifier(node)) {
    const initializer = constInitializer(node.text, node);
    return initializer && zodElement(initializer, depth + 1);
  }
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return undefined;
  const method = node.expression.name.text;
  const receiver = unwrap(node.expression.expression);
  if (isZodNamespace(receiver)) return method === 'array' || method === 'set' ? node.arguments[0] : undefined;
  if (method === 'array') return receiver;
  return ZOD_WRAPPERS.has(method) ? zodElement(receiver, depth + 1) : undefined;
}
