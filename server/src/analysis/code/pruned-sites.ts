/**
 * The query sites of a file from a parse of its pruned text (`prune.ts`): the statements that name
 * no Prisma operation, and the contents of each operation's arguments object, are blank, so the
 * parser reads about half of a typical file. The result is the whole parse's sites or nothing:
 * the caller parses the whole file when this returns undefined. The sites' syntax nodes belong to
 * the pruned tree: an arguments object is empty there, so its text is read from the file by its
 * span (as the index does), never from the node.
 *
 * Why the sites are the same: each blanked region is a run of whole statements of one statement
 * list, or the contents of the object an operation is called with (checked on the pruned tree,
 * which must parse without an error), so the kept code parses to the same nodes at the same
 * offsets, and every text read from the tree (a callee, a client, a type) is checked to hold no
 * blanked region. A blanked statement names no
 * operation, so it holds no site; all it can change is an answer of the file's name tables (a
 * client name, a delegate alias, a factory, a client class) about a name it declares or assigns.
 * So the sites are kept only when no name the resolution asked about stands where a blanked region
 * could bind it (`PrunedText.bound`), and no factory whose `return`s were read lost a statement
 * (counting what resolving an alias asked only when the alias's own name was asked about:
 * `NameLookups.relevant`).
 *
 * One difference is left, on broken files only: a syntax error inside a blanked statement is not
 * seen, so the sites after it are those of the file as meant, where TypeScript's error recovery
 * may lose some (in a class body, the members after the error). The index then keeps sites that a
 * whole parse would drop until the error is fixed.
 */
import ts = require('typescript');
import type { Model } from '../schema/model';
import type { Span } from '../text';
import { indexFile, NameLookups } from './file-index';
import { skipTrivia } from './lexical';
import { pruneForIndex, type PrunedText } from './prune';
import { findQuerySitesByDelegate, type QuerySite } from './query-sites';
import { parseSourceForIndex, scriptKindOf } from './syntax';

const Kind = ts.SyntaxKind;

/** Pruned parses are tried on TypeScript files only: in JSX, text between tags is not code, which the lexical pass cannot tell. */
function prunable(uri: string): boolean {
  return scriptKindOf(uri) === ts.ScriptKind.TS;
}

/** The sites of `text` from its pruned parse, or undefined when there is nothing to prune or a check fails. */
export function prunedQuerySites(uri: string, text: string, delegates: ReadonlyMap<string, Model> | undefined): QuerySite[] | undefined {
  if (!prunable(uri)) return undefined;
  const pruned = pruneForIndex(text);
  return pruned ? sitesOfPruned(uri, pruned, delegates) : undefined;
}

/** `prunedQuerySites` for a pruning already made. */
function sitesOfPruned(uri: string, pruned: PrunedText, delegates: ReadonlyMap<string, Model> | undefined): QuerySite[] | undefined {
  const sourceFile = parseSourceForIndex(uri, pruned.text);
  if ((sourceFile as { parseDiagnostics?: readonly unknown[] }).parseDiagnostics?.length) return undefined;
  for (const region of pruned.regions) if (!blankFits(sourceFile, region)) return undefined;
  const lookups = new NameLookups();
  const index = indexFile(sourceFile, lookups);
  const sites = findQuerySitesByDelegate(index, uri, delegates);
  const relevant = lookups.relevant();
  for (const name of relevant.names) if (pruned.bound.has(name)) return undefined;
  // What was read of the tree must hold no blanked region: a factory's body, a type, a class's
  // base, each site's callee (its client's text) and the client of each delegate alias.
  const { text, regions } = pruned;
  // A region that starts before the node's first token is its leading trivia (regions are blank), not its text.
  const overlaps = (node: ts.Node): boolean => {
    for (let at = firstEndingAfter(regions, node.pos); at < regions.length && regions[at]!.start < node.end; at++) {
      if (regions[at]!.start >= node.pos && tokenBetween(text, node.pos, regions[at]!.start)) return true;
    }
    return false;
  };
  if (relevant.functions.some(overlaps) || relevant.texts.some(overlaps)) return undefined;
  for (const site of sites) if (overlaps(ts.isCallExpression(site.node) ? site.node.expression : site.node.tag)) return undefined;
  for (const alias of index.delegateAliases.values()) if (overlaps(alias.client)) return undefined;
  return sites;
}

/** Nodes whose children are a statement list: a region may only lie between two of their statements. */
function holdsStatements(node: ts.Node): boolean {
  const kind = node.kind;
  return kind === Kind.SourceFile || kind === Kind.Block || kind === Kind.ModuleBlock || kind === Kind.CaseClause || kind === Kind.DefaultClause;
}

/**
 * Whether `region` (blank in the parsed text) lies between two statements of one statement list,
 * or before the first or after the last, or is all of an object literal's contents: no node's
 * tokens but that list's holder (or that object) span it.
 */
function blankFits(sourceFile: ts.SourceFile, region: Span): boolean {
  const text = sourceFile.text;
  let node: ts.Node = sourceFile;
  for (;;) {
    let inside: ts.Node | undefined;
    let after: ts.Node | undefined;
    // The first child that ends after the region starts: it holds the region, or comes after it
    // (the region is then its leading trivia). A statement list is searched by halves.
    const statements = (node as { statements?: ts.NodeArray<ts.Statement> }).statements;
    const next = statements ? statements[firstEndingAfter(statements, region.start)] : undefined;
    const found = statements ? next : ts.forEachChild(node, (child) => (child.end > region.start ? child : undefined));
    if (found) {
      if (tokenBetween(text, found.pos, region.start)) inside = found;
      else after = found;
    } else if (node.kind === Kind.SourceFile) {
      after = (node as ts.SourceFile).endOfFileToken;
    }
    if (!inside) {
      // An operation's arguments object, blanked whole: `findMany({ })` in the parsed text.
      if (node.kind === Kind.ObjectLiteralExpression) return (node as ts.ObjectLiteralExpression).properties.length === 0;
      if (!holdsStatements(node)) return false;
      // A clause's expression (`case x:`) comes before its statements, never after a region.
      if (ts.isCaseClause(node) && region.start < node.expression.end) return false;
      return after === undefined || after.kind === Kind.EndOfFileToken || ts.isStatement(after);
    }
    if ((inside as ts.Node).end < region.end) return false;
    node = inside;
  }
}


/** The index of the first item that ends after `position` (items in order, not overlapping); `items.length` when none does. */
function firstEndingAfter(items: readonly { end: number }[], position: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (items[middle]!.end <= position) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Whether `text` has a token (anything but white space and comments) in [from, to). What
 * `node.getStart()` would tell, without reading the blank region after `to` that it would skip.
 */
function tokenBetween(text: string, from: number, to: number): boolean {
  return skipTrivia(text, from, to) < to;
}
