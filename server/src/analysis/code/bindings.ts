/** Variables that hold a query's result: `const users = await prisma.user.findMany()`. */
import ts = require('typescript');
import type { CodeRuleContext } from './context';
import type { Loop } from './iteration';
import type { QuerySite } from './query-sites';
import { isWithin, unwrap, valueParent } from './syntax';

const cache = new WeakMap<CodeRuleContext, Map<string, { site: QuerySite; declaration: ts.VariableDeclaration }[]>>();

function resultBindings(context: CodeRuleContext): Map<string, { site: QuerySite; declaration: ts.VariableDeclaration }[]> {
  let bindings = cache.get(context);
  if (bindings) return bindings;
  bindings = new Map();
  for (const site of context.querySites) {
    let { parent } = valueParent(site.node);
    if (ts.isAwaitExpression(parent)) parent = valueParent(parent).parent;
    if (!ts.isVariableDeclaration(parent) || !ts.isIdentifier(parent.name)) continue;
    const list = bindings.get(parent.name.text) ?? [];
    list.push({ site, declaration: parent });
    bindings.set(parent.name.text, list);
  }
  cache.set(context, bindings);
  return bindings;
}

/** The query whose result a loop iterates, when its collection is a variable declared before it in an enclosing scope. */
export function collectionQuery(context: CodeRuleContext, loop: Loop): QuerySite | undefined {
  const collection = loop.collection && unwrap(loop.collection);
  if (!collection || !ts.isIdentifier(collection)) return undefined;
  const candidates = resultBindings(context).get(collection.text) ?? [];
  let best: { site: QuerySite; declaration: ts.VariableDeclaration } | undefined;
  for (const candidate of candidates) {
    if (candidate.declaration.end > loop.node.getStart()) continue;
    const scope = declarationScope(candidate.declaration);
    if (scope && !isWithin(loop.node, scope)) continue;
    if (!best || candidate.declaration.pos > best.declaration.pos) best = candidate;
  }
  return best?.site;
}

function declarationScope(declaration: ts.VariableDeclaration): ts.Node | undefined {
  for (let node: ts.Node | undefined = declaration.parent; node; node = node.parent) {
    if (ts.isBlock(node) || ts.isSourceFile(node) || ts.isFunctionLike(node)) return node;
  }
  return undefined;
}
