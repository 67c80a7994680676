/**
 * Calls of a file that leave it: imported functions (`loadUser(id)`, `users.load(id)`) and methods
 * of injected services (`this.userService.findById(id)`, the field's declared type naming a class
 * of another file; `deploymentService.cancel(id)`, a parameter or a destructured option typed with
 * one), with what each names, so that the workspace can say whether they query.
 */
import ts = require('typescript');
import { boundNames, isFunctionLike, unwrap } from './syntax';

/** What a call outside the file names: an imported binding (and a member of it), or a method of a class by its type name. */
export type CallTarget =
  | { kind: 'import'; from: string; name: string; member: string | undefined }
  | { kind: 'class'; type: string; from: string | undefined; method: string };

export interface ImportBinding {
  from: string;
  /** The exported name, `default`, or `*` for a namespace import. */
  name: string;
}

export interface ModuleCallIndex {
  imports: Map<string, ImportBinding>;
  /** Every call of the file whose target lies in another file (or in another class of this one). */
  calls: Map<ts.CallExpression, CallTarget>;
}

const cache = new WeakMap<ts.SourceFile, ModuleCallIndex>();

/** The file's imports and its calls of other files' functions, read once per parse. */
export function moduleCalls(sourceFile: ts.SourceFile, localFunctions: ReadonlyMap<string, unknown>): ModuleCallIndex {
  const known = cache.get(sourceFile);
  if (known) return known;
  const imports = new Map<string, ImportBinding>();
  // Where each imported name comes from, type-only imports included: a parameter's declared class is often imported as a type.
  const typeImports = new Map<string, string>();
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    if (!clause) continue;
    const from = statement.moduleSpecifier.text;
    const bindings = clause.namedBindings;
    if (clause.name) {
      typeImports.set(clause.name.text, from);
      if (!clause.isTypeOnly) imports.set(clause.name.text, { from, name: 'default' });
    }
    if (bindings && ts.isNamespaceImport(bindings) && !clause.isTypeOnly) imports.set(bindings.name.text, { from, name: '*' });
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        typeImports.set(element.name.text, from);
        if (!clause.isTypeOnly && !element.isTypeOnly) imports.set(element.name.text, { from, name: (element.propertyName ?? element.name).text });
      }
    }
  }
  const calls = new Map<ts.CallExpression, CallTarget>();
  const fieldTypes = new Map<ts.ClassLikeDeclaration, Map<string, string>>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const target = targetOf(node, imports, localFunctions, fieldTypes, typeImports);
      if (target) calls.set(node, target);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  const index = { imports, calls };
  cache.set(sourceFile, index);
  return index;
}

function targetOf(
  call: ts.CallExpression,
  imports: ReadonlyMap<string, ImportBinding>,
  localFunctions: ReadonlyMap<string, unknown>,
  fieldTypes: Map<ts.ClassLikeDeclaration, Map<string, string>>,
  typeImports: ReadonlyMap<string, string>,
): CallTarget | undefined {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) {
    const binding = imports.get(callee.text);
    if (!binding || localFunctions.has(callee.text)) return undefined;
    return binding.name === '*' ? undefined : { kind: 'import', from: binding.from, name: binding.name, member: undefined };
  }
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.name)) return undefined;
  const method = callee.name.text;
  const owner = unwrap(callee.expression);
  if (ts.isIdentifier(owner)) {
    const binding = imports.get(owner.text);
    if (!binding) {
      // `deploymentService.cancelDeployment(…)`: a parameter, or an option destructured from one, whose declared type names a class.
      const declared = parameterType(owner);
      const type = declared && classTypeName(declared);
      return type ? { kind: 'class', type, from: typeImports.get(type), method } : undefined;
    }
    return binding.name === '*' ? { kind: 'import', from: binding.from, name: method, member: undefined } : { kind: 'import', from: binding.from, name: binding.name, member: method };
  }
  // `this.userService.findById(…)`: the field's declared type names the class.
  if (ts.isPropertyAccessExpression(owner) && owner.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const declaringClass = classOfThis(owner);
    if (!declaringClass) return undefined;
    let types = fieldTypes.get(declaringClass);
    if (!types) fieldTypes.set(declaringClass, (types = fieldTypesOf(declaringClass)));
    const type = types.get(owner.name.text.replace(/^#/, ''));
    if (!type) return undefined;
    return { kind: 'class', type, from: imports.get(type)?.from, method };
  }
  return undefined;
}

/** The class whose `this` a node sees (arrow functions see through). */
function classOfThis(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isClassLike(current)) return current;
    if (isFunctionLike(current) && (ts.isFunctionDeclaration(current) || ts.isFunctionExpression(current))) return undefined;
  }
  return undefined;
}

/** Field name → declared class name: constructor parameter properties and typed property declarations. */
function fieldTypesOf(declaration: ts.ClassLikeDeclaration): Map<string, string> {
  const types = new Map<string, string>();
  const add = (name: ts.PropertyName | ts.BindingName, type: ts.TypeNode | undefined): void => {
    const typeName = type && classTypeName(type);
    if (typeName && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name))) types.set(name.text.replace(/^#/, ''), typeName);
  };
  for (const member of declaration.members) {
    if (ts.isPropertyDeclaration(member)) {
      const initializer = member.initializer && unwrap(member.initializer);
      if (member.type) add(member.name, member.type);
      else if (initializer && ts.isNewExpression(initializer) && ts.isIdentifier(initializer.expression)) types.set(member.name.getText().replace(/^#/, ''), initializer.expression.text);
    }
    if (ts.isConstructorDeclaration(member)) {
      for (const parameter of member.parameters) {
        const modifiers = ts.getModifiers(parameter) ?? [];
        if (modifiers.length > 0) add(parameter.name, parameter.type);
      }
    }
  }
  return types;
}

/** `UserService`, `services.UserService`; not a generic wrapper (`Repository<User>`) or a union. */
function classTypeName(type: ts.TypeNode): string | undefined {
  if (!ts.isTypeReferenceNode(type) || type.typeArguments?.length) return undefined;
  const name = type.typeName;
  const text = ts.isIdentifier(name) ? name.text : name.right.text;
  return /^[A-Z]/.test(text) ? text : undefined;
}

/**
 * The declared type of the parameter `identifier` names, or of the option it destructures from a
 * parameter (`({ service }: Options)`, the option's type read from a type literal, or a type alias
 * or interface of this file); undefined when a local of the same name shadows it or nothing declares it.
 */
function parameterType(identifier: ts.Identifier): ts.TypeNode | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (!isFunctionLike(scope)) continue;
    for (const parameter of scope.parameters) {
      let type: ts.TypeNode | undefined;
      if (ts.isIdentifier(parameter.name)) {
        if (parameter.name.text !== identifier.text) continue;
        type = parameter.type;
      } else if (ts.isObjectBindingPattern(parameter.name)) {
        const element = parameter.name.elements.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === identifier.text && !candidate.dotDotDotToken);
        if (!element) continue;
        const key = element.propertyName ? (ts.isIdentifier(element.propertyName) || ts.isStringLiteral(element.propertyName) ? element.propertyName.text : undefined) : identifier.text;
        type = key && parameter.type ? memberType(parameter.type, key, identifier.getSourceFile()) : undefined;
      } else {
        continue;
      }
      // Found the parameter (checked first: most calls are on names no parameter binds); a local of the same name in between shadows it.
      return shadowedBetween(identifier, scope, identifier.text) ? undefined : type;
    }
  }
  return undefined;
}

function shadowedBetween(identifier: ts.Identifier, fn: ts.Node, name: string): boolean {
  for (let scope: ts.Node | undefined = identifier.parent; scope && scope !== fn; scope = scope.parent) {
    if (ts.isBlock(scope) && declaresLocal(scope.statements, name)) return true;
    if (isFunctionLike(scope) && scope.parameters.some((parameter) => boundNames(parameter.name).includes(name))) return true;
  }
  return false;
}

function declaresLocal(statements: readonly ts.Statement[], name: string): boolean {
  return statements.some((statement) => ts.isVariableStatement(statement) && statement.declarationList.declarations.some((declaration) => boundNames(declaration.name).includes(name)));
}

/** The type of member `key` of a type literal, or of a type alias or interface this file declares. */
function memberType(type: ts.TypeNode, key: string, sourceFile: ts.SourceFile): ts.TypeNode | undefined {
  let members: readonly ts.TypeElement[] | undefined;
  if (ts.isTypeLiteralNode(type)) members = type.members;
  else if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && !type.typeArguments?.length) {
    const name = type.typeName.text;
    for (const statement of sourceFile.statements) {
      if (ts.isTypeAliasDeclaration(statement) && statement.name.text === name && ts.isTypeLiteralNode(statement.type)) members = statement.type.members;
      if (ts.isInterfaceDeclaration(statement) && statement.name.text === name) members = statement.members;
    }
  }
  const member = members?.find((candidate) => ts.isPropertySignature(candidate) && candidate.name && (ts.isIdentifier(candidate.name) || ts.isStringLiteral(candidate.name)) && candidate.name.text === key);
  return member && ts.isPropertySignature(member) ? member.type : undefined;
}
