/**
 * One walk over a parsed file that collects what the query-site index and the code rules need:
 * calls of Prisma operations, names bound to clients, delegate aliases, local functions and calls.
 */
import ts = require('typescript');
import { isClientExpression } from './clients';
import { ARRAY_METHODS, COLLECTION_FUNCTIONS } from './iteration';
import { MODEL_OPERATIONS, RAW_OPERATIONS } from './operations';
import { calleeName, terminalName, unwrap } from './syntax';

export type OperationCall = ts.CallExpression | ts.TaggedTemplateExpression;

/** A name bound to something that may be a client, decided once the whole file has been read. */
interface PendingBinding {
  name: string;
  initializer: ts.Expression;
}

interface PendingDelegate {
  name: string;
  delegate: string;
  client: ts.Expression;
}

export interface DelegateAlias {
  delegate: string;
  client: ts.Expression;
}

export interface FileIndex {
  sourceFile: ts.SourceFile;
  /** `x.y.findMany(…)`, `x.$queryRaw\`…\``: every call whose callee ends in a Prisma operation name. */
  operationCalls: OperationCall[];
  /** Names (variables, parameters, class members) bound to a Prisma client by their declaration. */
  clientNames: Set<string>;
  /** Classes that extend PrismaClient, directly or through another class of the file. */
  clientClasses: Set<ts.ClassLikeDeclaration>;
  /** Names bound to one model delegate: `const users = prisma.user`, `const { post } = db`. */
  delegateAliases: Map<string, DelegateAlias>;
  /** Functions of the file that have a name: declarations, `const f = () => …`, class methods. */
  functions: Map<string, ts.FunctionLikeDeclaration[]>;
  /** Calls of a plain name or `this.name`, and JSX elements of a component: candidate helper calls. */
  localCalls: (ts.CallExpression | ts.JsxOpeningLikeElement)[];
  /** Functions passed by name to an iterating call: `loadPosts` in `users.map(loadPosts)`. */
  functionReferences: ts.Expression[];
  /** Identifiers passed to `$transaction(…)`, by name: `ops` in `$transaction(ops)` or `$transaction([...ops])`. */
  transactionArguments: Map<string, ts.Identifier[]>;
  /** Whether a local function returns a client (`tenantClient(orgId)` → `base.$extends(…)`), decided on first use. */
  clientFactories: Map<string, boolean>;
}

// Read once: TypeScript's module exports are getters, and the walk below runs for every node of every file.
const Kind = ts.SyntaxKind;
const forEachChild = ts.forEachChild;
const LAST_TOKEN = ts.SyntaxKind.LastToken;

/** Types that declare a Prisma client: `PrismaClient`, `Prisma.TransactionClient`, a `PrismaService`. */
const CLIENT_TYPE = /PrismaClient|PrismaService|TransactionClient|\bPrisma(?:Tx|Transaction)\b|^typeof\s+(?:prisma|db)\b/;
/** Base classes that make a class a client: `class PrismaService extends PrismaClient`. */
const CLIENT_BASE = /PrismaClient|\$extends/;

/**
 * What finding a file's query sites asked its name tables (client names, delegate aliases, local
 * functions, client classes), recorded for a parse that left statements out (`pruned-sites.ts`):
 * a statement left out can only have changed an answer whose name it spells.
 */
export interface Lookups {
  names: Set<string>;
  /** Functions a lookup handed out: their bodies are read (a factory's `return`s). */
  functions: ts.FunctionLikeDeclaration[];
  /** Nodes whose text was read (a declared type, a class's base). */
  texts: ts.Node[];
}

function noLookups(): Lookups {
  return { names: new Set(), functions: [], texts: [] };
}

/**
 * The lookups of one file's walk and site resolution. Those made while an alias's initializer is
 * resolved (`const latest = await newest()`: does `newest` return a client?) are noted under the
 * alias: they decide only whether that name is a client, which matters only if something looks
 * the name up in turn.
 */
export class NameLookups {
  readonly direct: Lookups = noLookups();
  /** Where lookups are noted now: `direct`, or an alias's while its initializer is resolved. */
  current: Lookups = this.direct;
  private readonly byAlias = new Map<string, Lookups>();

  /** Runs `resolve` with its lookups noted under the alias `name`. */
  forAlias<T>(name: string, resolve: () => T): T {
    const outer = this.current;
    let own = this.byAlias.get(name);
    if (!own) this.byAlias.set(name, (own = noLookups()));
    this.current = own;
    try {
      return resolve();
    } finally {
      this.current = outer;
    }
  }

  /** The lookups that decided the sites: the direct ones, and those of every alias whose name one of them asked about. */
  relevant(): Lookups {
    const result: Lookups = { names: new Set(this.direct.names), functions: [...this.direct.functions], texts: [...this.direct.texts] };
    const pending = [...result.names];
    const seen = new Set<string>();
    while (pending.length > 0) {
      const name = pending.pop()!;
      const own = this.byAlias.get(name);
      if (!own || seen.has(name)) continue;
      seen.add(name);
      for (const dependency of own.names) {
        if (!result.names.has(dependency)) pending.push(dependency);
        result.names.add(dependency);
      }
      result.functions.push(...own.functions);
      result.texts.push(...own.texts);
    }
    return result;
  }
}

const MAP_GET = Map.prototype.get;
const SET_HAS = Set.prototype.has;

/** A set that notes every name it is asked about. */
class RecordingSet extends Set<string> {
  constructor(private readonly lookups: NameLookups) {
    super();
  }
  override has(name: string): boolean {
    this.lookups.current.names.add(name);
    return super.has(name);
  }
}

/** A map by name that notes every name it is asked about, and the functions it hands out. */
class RecordingMap<V> extends Map<string, V> {
  constructor(private readonly lookups: NameLookups) {
    super();
  }
  override has(name: string): boolean {
    this.lookups.current.names.add(name);
    return super.has(name);
  }
  override get(name: string): V | undefined {
    this.lookups.current.names.add(name);
    const value = super.get(name);
    if (Array.isArray(value)) for (const item of value) if (ts.isFunctionLike(item)) this.lookups.current.functions.push(item as ts.FunctionLikeDeclaration);
    return value;
  }
}

export function indexFile(sourceFile: ts.SourceFile, lookups?: NameLookups): FileIndex {
  const index: FileIndex = {
    sourceFile,
    operationCalls: [],
    clientNames: lookups ? new RecordingSet(lookups) : new Set(),
    clientClasses: new Set(),
    delegateAliases: lookups ? new RecordingMap(lookups) : new Map(),
    functions: lookups ? new RecordingMap(lookups) : new Map(),
    localCalls: [],
    functionReferences: [],
    transactionArguments: new Map(),
    clientFactories: new Map(),
  };
  const pendingAliases: PendingBinding[] = [];
  const pendingDelegates: PendingDelegate[] = [];
  const classes: ts.ClassLikeDeclaration[] = [];
  const newExpressions: { className: string; node: ts.NewExpression }[] = [];
  const objectMethodCalls: ts.CallExpression[] = [];

  // The node whose children are being visited: a tree parsed without parent pointers
  // (`parseSourceForIndex`) gets them here, before anything below looks upwards from a node.
  let parent: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    // Stored without reading it first: a tree parsed with parent pointers already holds this very parent.
    if (parent !== undefined) (node as { parent: ts.Node }).parent = parent;
    const kind = node.kind;
    switch (kind) {
      case Kind.CallExpression:
        visitCall(node as ts.CallExpression);
        break;
      case Kind.TaggedTemplateExpression: {
        const tag = (node as ts.TaggedTemplateExpression).tag;
        if (ts.isPropertyAccessExpression(tag) && RAW_OPERATIONS.has(tag.name.text)) index.operationCalls.push(node as ts.TaggedTemplateExpression);
        break;
      }
      case Kind.NewExpression: {
        const name = calleeName(node as ts.NewExpression);
        if (name === 'PrismaClient') bindDeclaredName(node as ts.Expression, index.clientNames);
        else if (name) newExpressions.push({ className: name, node: node as ts.NewExpression });
        break;
      }
      case Kind.VariableDeclaration:
        visitVariable(node as ts.VariableDeclaration);
        break;
      case Kind.Parameter:
      case Kind.PropertyDeclaration:
        visitTypedDeclaration(node as ts.ParameterDeclaration | ts.PropertyDeclaration);
        break;
      case Kind.FunctionDeclaration:
      case Kind.MethodDeclaration: {
        const declaration = node as ts.FunctionDeclaration | ts.MethodDeclaration;
        const name = declaration.name && (ts.isIdentifier(declaration.name) || ts.isPrivateIdentifier(declaration.name)) ? declaration.name.text : undefined;
        if (name) addFunction(name, declaration);
        break;
      }
      case Kind.ClassDeclaration:
      case Kind.ClassExpression:
        classes.push(node as ts.ClassLikeDeclaration);
        break;
      case Kind.JsxSelfClosingElement:
      case Kind.JsxOpeningElement: {
        const tag = (node as ts.JsxOpeningLikeElement).tagName;
        if (ts.isIdentifier(tag) && /^[A-Z]/.test(tag.text)) index.localCalls.push(node as ts.JsxOpeningLikeElement);
        break;
      }
    }
    // Tokens (identifiers, keywords, literals) have no children: half the nodes of a file.
    if (kind <= LAST_TOKEN) return;
    const outer = parent;
    parent = node;
    forEachChild(node, visit);
    parent = outer;
  };

  const visitCall = (call: ts.CallExpression): void => {
    const callee = call.expression;
    if (callee.kind === Kind.PropertyAccessExpression) {
      const access = callee as ts.PropertyAccessExpression;
      const name = access.name.text;
      if (MODEL_OPERATIONS.has(name) || RAW_OPERATIONS.has(name)) index.operationCalls.push(call);
      if (name === '$extends') bindDeclaredName(call, index.clientNames);
      if (name === '$transaction') visitTransaction(call);
      if (access.expression.kind === Kind.ThisKeyword) index.localCalls.push(call);
      else if (access.expression.kind === Kind.Identifier) objectMethodCalls.push(call);
    } else if (callee.kind === Kind.Identifier) {
      index.localCalls.push(call);
    }
    const name = calleeName(call);
    if (name && (ARRAY_METHODS.has(name) || COLLECTION_FUNCTIONS.has(name))) {
      for (const argument of call.arguments) {
        if (argument.kind === Kind.Identifier || (argument.kind === Kind.PropertyAccessExpression && (argument as ts.PropertyAccessExpression).expression.kind === Kind.ThisKeyword)) {
          index.functionReferences.push(argument);
        }
      }
    }
  };

  const visitTransaction = (call: ts.CallExpression): void => {
    const first = call.arguments[0] && unwrap(call.arguments[0]);
    if (!first) return;
    if (ts.isArrowFunction(first) || ts.isFunctionExpression(first)) {
      const parameter = first.parameters[0];
      if (parameter && ts.isIdentifier(parameter.name)) index.clientNames.add(parameter.name.text);
    } else if (ts.isIdentifier(first)) {
      addTransactionArgument(first);
    } else if (ts.isArrayLiteralExpression(first)) {
      for (const element of first.elements) {
        const value = ts.isSpreadElement(element) ? unwrap(element.expression) : undefined;
        if (value && ts.isIdentifier(value)) addTransactionArgument(value);
      }
    }
  };

  const addTransactionArgument = (identifier: ts.Identifier): void => {
    const list = index.transactionArguments.get(identifier.text);
    if (list) list.push(identifier);
    else index.transactionArguments.set(identifier.text, [identifier]);
  };

  const clientTyped = (type: ts.TypeNode): boolean => {
    lookups?.current.texts.push(type);
    return CLIENT_TYPE.test(type.getText(sourceFile));
  };

  const visitVariable = (declaration: ts.VariableDeclaration): void => {
    const initializer = declaration.initializer;
    if (ts.isIdentifier(declaration.name)) {
      const name = declaration.name.text;
      if (declaration.type && clientTyped(declaration.type)) index.clientNames.add(name);
      if (!initializer) return;
      const value = unwrap(initializer);
      if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) {
        addFunction(name, value);
      } else if (ts.isObjectLiteralExpression(value)) {
        // `const userService = { async load(id) { … } }`: callable as `userService.load(…)`.
        for (const property of value.properties) {
          const fn = ts.isMethodDeclaration(property) ? property : ts.isPropertyAssignment(property) ? unwrap(property.initializer) : undefined;
          const key = property.name && ts.isIdentifier(property.name) ? property.name.text : undefined;
          if (key && fn && (ts.isMethodDeclaration(fn) || ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) addFunction(`${name}.${key}`, fn);
        }
      } else if (ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.name)) {
        pendingDelegates.push({ name, delegate: value.name.text, client: value.expression });
        pendingAliases.push({ name, initializer: value });
      } else {
        pendingAliases.push({ name, initializer: value });
      }
    } else if (ts.isObjectBindingPattern(declaration.name) && initializer) {
      for (const element of declaration.name.elements) {
        if (!ts.isIdentifier(element.name) || element.dotDotDotToken) continue;
        const property = element.propertyName ?? element.name;
        if (ts.isIdentifier(property)) pendingDelegates.push({ name: element.name.text, delegate: property.text, client: initializer });
      }
    }
  };

  const visitTypedDeclaration = (declaration: ts.ParameterDeclaration | ts.PropertyDeclaration): void => {
    const name = declaration.name;
    const text = ts.isIdentifier(name) || ts.isPrivateIdentifier(name) ? name.text.replace(/^#/, '') : undefined;
    if (!text) return;
    if (declaration.type && clientTyped(declaration.type)) index.clientNames.add(text);
    if (ts.isPropertyDeclaration(declaration) && declaration.initializer) {
      const value = unwrap(declaration.initializer);
      if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) addFunction(text, value);
      else pendingAliases.push({ name: text, initializer: value });
    }
  };

  const addFunction = (name: string, declaration: ts.FunctionLikeDeclaration): void => {
    // Filling the table is not a lookup (see NameLookups).
    const list = MAP_GET.call(index.functions, name) as ts.FunctionLikeDeclaration[] | undefined;
    if (list) list.push(declaration);
    else index.functions.set(name, [declaration]);
  };

  visit(sourceFile);
  for (const call of objectMethodCalls) {
    const callee = call.expression as ts.PropertyAccessExpression;
    if (index.functions.has(`${(callee.expression as ts.Identifier).text}.${callee.name.text}`)) index.localCalls.push(call);
  }

  const resolvesAlias = (name: string, resolve: () => boolean): boolean => (lookups ? lookups.forAlias(name, resolve) : resolve());
  resolveClientClasses(classes, index.clientClasses, lookups);
  const clientClassNames = new Set([...index.clientClasses].flatMap((declaration) => (declaration.name ? [declaration.name.text] : [])));
  for (const { className, node } of newExpressions) {
    lookups?.current.names.add(className);
    if (clientClassNames.has(className)) bindDeclaredName(node, index.clientNames);
  }
  // Aliases of aliases (`const db = globalThis.prisma ?? client`): a few rounds reach a fixed point.
  for (let round = 0; round < 3; round++) {
    let grew = false;
    for (const { name, initializer } of pendingAliases) {
      // Not a lookup (SET_HAS): whether the name is a client already only saves the check; any
      // use of the name as a client looks it up again.
      if (!SET_HAS.call(index.clientNames, name) && resolvesAlias(name, () => isClientExpression(index, initializer))) {
        index.clientNames.add(name);
        grew = true;
      }
    }
    if (!grew) break;
  }
  for (const pending of pendingDelegates) {
    if (!SET_HAS.call(index.clientNames, pending.name) && resolvesAlias(pending.name, () => isClientExpression(index, pending.client))) {
      index.delegateAliases.set(pending.name, { delegate: pending.delegate, client: pending.client });
    }
  }
  return index;
}

function resolveClientClasses(classes: readonly ts.ClassLikeDeclaration[], into: Set<ts.ClassLikeDeclaration>, lookups: NameLookups | undefined): void {
  const baseOf = (declaration: ts.ClassLikeDeclaration): ts.ExpressionWithTypeArguments | undefined =>
    declaration.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  for (const declaration of classes) {
    const base = baseOf(declaration);
    if (base) lookups?.current.texts.push(base.expression);
    if (base && CLIENT_BASE.test(base.expression.getText())) into.add(declaration);
  }
  for (let round = 0; round < 3; round++) {
    const names = new Set([...into].flatMap((declaration) => (declaration.name ? [declaration.name.text] : [])));
    let grew = false;
    for (const declaration of classes) {
      const base = baseOf(declaration);
      const baseName = base && terminalName(base.expression);
      if (baseName) lookups?.current.names.add(baseName);
      if (!into.has(declaration) && baseName && names.has(baseName)) {
        into.add(declaration);
        grew = true;
      }
    }
    if (!grew) break;
  }
}

/**
 * Records the name a client value is stored under: `const db = new PrismaClient()`,
 * `prisma = globalThis.prisma ?? new PrismaClient()`, `readonly client = base.$extends(…)`.
 */
function bindDeclaredName(value: ts.Expression, into: Set<string>): void {
  let node: ts.Node = value;
  for (let depth = 0; depth < 6 && node.parent; depth++) {
    const parent: ts.Node = node.parent;
    if (ts.isVariableDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertyAssignment(parent)) {
      const name = parent.name;
      if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) into.add(name.text.replace(/^#/, ''));
      return;
    }
    if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const name = terminalName(parent.left);
      if (name) into.add(name);
      return;
    }
    const passesValue =
      ts.isParenthesizedExpression(parent) ||
      ts.isAsExpression(parent) ||
      ts.isSatisfiesExpression(parent) ||
      ts.isNonNullExpression(parent) ||
      ts.isAwaitExpression(parent) ||
      ts.isConditionalExpression(parent) ||
      ts.isBinaryExpression(parent) ||
      // `new PrismaClient().$extends(…)` is still a client; `new PrismaClient().user` is not.
      (ts.isPropertyAccessExpression(parent) && parent.expression === node && parent.name.text === '$extends') ||
      (ts.isCallExpression(parent) && parent.expression === node && ts.isPropertyAccessExpression(node));
    if (!passesValue) return;
    node = parent;
  }
}
