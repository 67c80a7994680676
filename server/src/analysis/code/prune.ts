/**
 * Pruning for the query-site index: the statements of a file that name no Prisma operation, and
 * the contents of the object each operation is called with (`findMany({ where: … })`, which the
 * index keeps as text), are replaced by spaces before the file is parsed, so that the parser (most
 * of an indexing pass) reads only what can hold a query site. Offsets and line breaks are kept, so every position is the
 * original one.
 *
 * This module finds the statements by one lexical pass (strings, comments, templates, regular
 * expressions and brackets), without the parser. Its result is only a proposal: `pruned-sites.ts`
 * parses the pruned text, checks that each blanked region lies between two statements of one
 * statement list and that no name the resolution of the kept calls looked up (a client name, a
 * delegate alias, a factory function) could be bound in a blanked region, and parses the whole
 * file instead whenever a check fails. A wrong proposal costs a second parse, never a wrong site.
 */
import type { Span } from '../text';
import { isLineBreak, isSpace, isWordChar, skipBlank, skipRegex, skipString, skipTemplatePart } from './lexical';
import { MODEL_OPERATIONS, RAW_OPERATIONS } from './operations';

export interface PrunedText {
  /** The text with the blanked regions replaced by spaces (line breaks kept). */
  text: string;
  /** The blanked regions, in order, none inside another: each a run of whole statements or an arguments object's contents. */
  regions: Span[];
  /**
   * Names a blanked region may bind: words where a declaration or an assignment puts a name
   * (`name =`, `name:`, `name?:`, `function name`), a superset of what the index walk would have
   * added to its name tables from the region.
   */
  bound: Set<string>;
}

// What a word is to the lexical pass, as bits.
/** After it, `/` starts a regular expression and `{` an object or type literal (`return`, `typeof`). */
const EXPRESSION = 1;
/** First on a line, it continues the statement before (`} else`, `} while (…)`, `} as const`). */
const CONTINUES = 2;
/** Its next `{` opens members, not statements (`class X extends Y<Z> {`). */
const MEMBER_BODY = 4;
/** Its parenthesised header may be followed by a regular expression (`if (x) /re/.test(y)`). */
const HEADER = 8;
/** After it, `{` opens a block (`else {`, `do {`). */
const BLOCK_AFTER = 16;
/** A Prisma operation: the statements around it are kept. */
const OPERATION = 32;
/** Its statement binds names the pass does not see (a class's name and methods), or declares a client: kept. */
const KEEP = 64;
/** `const`/`let`/`var`: followed by `{`, a destructuring that binds names (`const { user } = prisma`): kept. */
const DECLARATION = 128;
/** `function`: the next word is bound. */
const FUNCTION = 256;
/** `case`/`default` first on a line: a switch clause, which ends a run of statements. */
const CLAUSE = 1024;
/** `import`, `export`: a statement kept when it imports or re-exports. */
const MODULE = 2048;
/**
 * `new`, `$extends`, `function`, `class`: in an operation's arguments, what could bind a name
 * (`{ client: new PrismaClient() }`, a function's parameter): such arguments are kept.
 */
const BINDS_IN_ARGUMENTS = 4096;

const WORDS: Record<string, number> = {};
const mark = (flags: number, ...words: string[]): void => {
  for (const word of words) WORDS[word] = (WORDS[word] ?? 0) | flags;
};
mark(EXPRESSION, 'return', 'throw', 'typeof', 'keyof', 'in', 'of', 'as', 'satisfies', 'new', 'delete', 'void', 'yield', 'await', 'case', 'default', 'extends', 'implements', 'instanceof', 'export', 'import', 'else', 'do', 'readonly', 'unique');
mark(CONTINUES, 'else', 'catch', 'finally', 'while', 'as', 'satisfies', 'in', 'instanceof', 'of', 'from', 'extends', 'implements', 'keyof', 'is', 'asserts', 'infer');
mark(MEMBER_BODY, 'class', 'interface', 'enum', 'namespace', 'module');
mark(HEADER, 'if', 'while', 'for', 'with');
mark(BLOCK_AFTER, 'else', 'do');
mark(OPERATION, ...MODEL_OPERATIONS, ...RAW_OPERATIONS);
// A client's declaration (`new PrismaClient()`, `base.$extends(…)`, `tx: Prisma.TransactionClient`, a
// `$transaction` callback's parameter) is kept: kept calls look its name up.
mark(KEEP, 'class', 'PrismaClient', 'PrismaService', 'TransactionClient', '$extends', '$transaction');
mark(DECLARATION, 'const', 'let', 'var');
mark(FUNCTION, 'function');
mark(CLAUSE, 'case', 'default');
mark(MODULE, 'import', 'export');
mark(BINDS_IN_ARGUMENTS, 'new', '$extends', 'function', 'class');

/** The words above by first character and length, so that a word is looked up without making a string of it. */
const MAX_WORD = 32;
interface KnownWord {
  word: string;
  flags: number;
}
// Filled up front (not sparse), so that V8 keeps it a plain array.
const BY_FIRST_AND_LENGTH: (KnownWord[] | null)[] = new Array<KnownWord[] | null>(128 * MAX_WORD).fill(null);
for (const [word, flags] of Object.entries(WORDS)) (BY_FIRST_AND_LENGTH[word.charCodeAt(0) * MAX_WORD + word.length] ??= []).push({ word, flags });

function flagsOf(text: string, start: number, end: number): number {
  const length = end - start;
  const first = text.charCodeAt(start);
  if (length >= MAX_WORD || first >= 128) return 0;
  const candidates = BY_FIRST_AND_LENGTH[first * MAX_WORD + length];
  if (candidates === null) return 0;
  for (const known of candidates!) if (text.startsWith(known.word, start)) return known.flags;
  return 0;
}

/**
 * Deeper nesting than this is left to the whole parse: the pass looks through the open brackets
 * at some tokens, which must stay cheap on any input (generated or minified code).
 */
const MAX_DEPTH = 256;

const enum Token {
  /** Start of the text. */
  None,
  /** An identifier, a number, a string, a regular expression, a template: a value. */
  Value,
  /** A word with the EXPRESSION bit. */
  Keyword,
  /** A word with the EXPRESSION and BLOCK_AFTER bits. */
  BlockKeyword,
  /** `)` of an `if`/`while`/`for`/`with` header. */
  HeaderClose,
  /** Any other `)`. */
  CloseParen,
  CloseBracket,
  CloseBrace,
  Semicolon,
  OpenBrace,
  /** `=>` */
  Arrow,
  /** `>`: a comparison, or the end of type arguments (`Promise<void> {`). */
  Greater,
  /** `(` */
  OpenParen,
  /** `,` */
  Comma,
  /** Any other punctuation or operator. */
  Operator,
}

const enum Kind {
  /** `{` of a block: statements. */
  Block,
  /** `{` of anything else: an object, a type, a class body. */
  Brace,
  /** `{` of the object a Prisma operation is called with (`findMany({ … })`): its contents may be blanked. */
  Arguments,
  Paren,
  /** `(` after a Prisma operation's name. */
  OperationParen,
  HeaderParen,
  Bracket,
  /** `${` of a template. */
  Template,
}

interface Context {
  kind: Kind;
  /**
   * For a block: where its current run of statements started (-1: none), and whether it may be
   * blanked; for an operation's arguments, the same of its contents; for a paren, where it opens.
   */
  runStart: number;
  runBlankable: boolean;
}

/**
 * The regions of `text` that can be left out of the index's parse: runs of whole statements (in
 * the file or in a function's body) and the contents of an operation's arguments object
 * (`findMany({ … })`) that name no Prisma operation, imports, re-exports, classes,
 * destructuring declarations and `$transaction` callbacks kept. Undefined when the lexical pass
 * cannot tell the structure (an unterminated string, brackets that do not match, a `/` after `}`,
 * an escape outside a literal), or when nothing would be left out.
 */
export function pruneForIndex(text: string): PrunedText | undefined {
  const candidates: Span[] = [];
  const stack: Context[] = [{ kind: Kind.Block, runStart: -1, runBlankable: false }];
  /** Words in binding positions, and where. */
  const bindingWords: string[] = [];
  const bindingAt: number[] = [];
  let previous = Token.None;
  /** The end of the previous token. */
  let previousEnd = 0;
  /** Whether no token has been read on the current line yet. */
  let lineStart = true;
  /** The stack depth at which a `class`/`interface`/… keyword waits for its `{`. */
  let memberBodyAt = -1;
  /** Whether the previous token is a word with the HEADER bit (the next `(` opens its header). */
  let afterHeader = false;
  /** Whether the previous token is `function` (or `function*`): the next word is bound. */
  let afterFunction = false;
  /** Whether the previous token is a Prisma operation's name as a property (`.findMany`). */
  let afterOperation = false;
  /** Where the last closed parenthesis opened. */
  let closedParenAt = 0;

  /** Opens a bracket (a paren's run start is where it opens: see `closedParenAt`); false past MAX_DEPTH. */
  const open = (kind: Kind, runStart = -1): boolean => {
    if (stack.length >= MAX_DEPTH) return false;
    stack.push({ kind, runStart, runBlankable: false });
    return true;
  };
  const endRun = (context: Context, end: number): void => {
    if (context.runStart >= 0 && context.runBlankable && end > context.runStart) candidates.push({ start: context.runStart, end });
    context.runStart = -1;
  };
  /** Keeps every run that holds the current position. */
  const keepRuns = (): void => {
    for (const context of stack) context.runBlankable = false;
  };
  /** Keeps the operation arguments that hold the current position. */
  const keepArguments = (): void => {
    for (const context of stack) if (context.kind === Kind.Arguments) context.runBlankable = false;
  };
  /**
   * Whether the current position is in an operation's arguments and in no block within them: such
   * arguments are blanked only when they hold no function, `new`, `$extends` or class, so nothing
   * in them binds a name, whatever stands before a `:`.
   */
  const inPlainArguments = (): boolean => {
    for (let depth = stack.length - 1; depth > 0; depth--) {
      const kind = stack[depth]!.kind;
      if (kind === Kind.Arguments) return true;
      if (kind === Kind.Block) return false;
    }
    return false;
  };

  const length = text.length;
  let i = 0;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (isLineBreak(code)) {
      lineStart = true;
      i++;
      continue;
    }
    if (isSpace(code)) {
      i++;
      continue;
    }
    if (code === 47 /* / */) {
      const next = text.charCodeAt(i + 1);
      if (next === 47) {
        while (i < length && !isLineBreak(text.charCodeAt(i))) i++;
        continue;
      }
      if (next === 42 /* * */) {
        const close = text.indexOf('*/', i + 2);
        if (close < 0) return undefined;
        for (let j = i; j < close; j++) if (isLineBreak(text.charCodeAt(j))) lineStart = true;
        i = close + 2;
        continue;
      }
    }

    const context = stack[stack.length - 1]!;
    if (context.kind === Kind.Arguments && context.runStart < 0) {
      // The first token of an operation's arguments object.
      context.runStart = i;
      context.runBlankable = true;
    }
    if (isWordChar(code)) {
      let end = i + 1;
      while (end < length && isWordChar(text.charCodeAt(end))) end++;
      // A property name (`x.delete`, `y?.default`) is a value, whatever keyword it spells.
      const property = i > 0 && text.charCodeAt(i - 1) === 46;
      const flags = flagsOf(text, i, end);
      // What follows the word, read once for the checks below.
      const after = skipBlank(text, end);
      const follower = text.charCodeAt(after);
      // A statement starts here when it is first on its line, after `;`, `}` or the block's `{`, in a block.
      if (lineStart && context.kind === Kind.Block && (previous === Token.Semicolon || previous === Token.CloseBrace || previous === Token.OpenBrace || previous === Token.None)) {
        if (flags & CLAUSE) {
          // A switch's clause: its first statement follows `:`, and starts no run.
          endRun(context, previousEnd);
        } else if (!(flags & CONTINUES)) {
          endRun(context, previousEnd);
          context.runStart = i;
          context.runBlankable = !(flags & MODULE && keptModuleStatement(text, i, end, follower));
        }
      }
      // `x.class` is a property, not a class; `Prisma.TransactionClient` and `db.$transaction` count as properties too.
      const keeps = (flags & KEEP && !(property && flags & MEMBER_BODY)) || (!property && flags & DECLARATION && follower === 123);
      if (flags & OPERATION || keeps) keepRuns();
      if (flags & BINDS_IN_ARGUMENTS) keepArguments();
      // A property counts too: `this.db = …`, `globalThis.conn = base.$extends(…)` bind `db`, `conn`;
      // so does a method in an object (`{ tenant() { … } }`, `load<T>(`: the walk lists every method by name).
      const method = (context.kind === Kind.Brace || context.kind === Kind.Arguments) && (follower === 40 || follower === 60);
      if ((afterFunction || method || isBindingPosition(text, after)) && !inPlainArguments()) {
        bindingWords.push(text.slice(i, end));
        bindingAt.push(i);
      }
      afterFunction = !property && (flags & FUNCTION) !== 0;
      afterOperation = property && (flags & OPERATION) !== 0;
      afterHeader = !property && (flags & HEADER) !== 0;
      if (!property && flags & MEMBER_BODY) memberBodyAt = stack.length;
      previous = property || !(flags & EXPRESSION) ? Token.Value : flags & BLOCK_AFTER ? Token.BlockKeyword : Token.Keyword;
      i = end;
      // `1.5`: the dot is part of the number (`1.5e+3` reads the sign as an operator, which changes nothing here).
      if (code >= 48 && code <= 57 && text.charCodeAt(i) === 46) i++;
      previousEnd = i;
      lineStart = false;
      continue;
    }
    lineStart = false;

    switch (code) {
      case 39 /* ' */:
      case 34 /* " */:
        i = skipString(text, i, code);
        if (i < 0) return undefined;
        previous = Token.Value;
        break;
      case 96 /* ` */: {
        const end = skipTemplatePart(text, i + 1);
        if (end < 0) return undefined;
        if (text.charCodeAt(end - 1) === 123 && !open(Kind.Template)) return undefined;
        i = end;
        previous = Token.Value;
        break;
      }
      case 47 /* / */:
        if (previous === Token.CloseBrace) return undefined;
        if (previous !== Token.Value && previous !== Token.CloseParen && previous !== Token.CloseBracket) {
          i = skipRegex(text, i + 1);
          if (i < 0) return undefined;
          previous = Token.Value;
        } else {
          i++;
          previous = Token.Operator;
        }
        break;
      case 123 /* { */: {
        // `let a = 1, { user } = prisma`: a destructuring after a comma, in a declaration list.
        if (previous === Token.Comma && context.kind === Kind.Block) keepRuns();
        const memberBody = memberBodyAt === stack.length;
        memberBodyAt = -1;
        const block =
          !memberBody &&
          (previous === Token.CloseParen ||
            previous === Token.HeaderClose ||
            previous === Token.Arrow ||
            previous === Token.Greater ||
            previous === Token.Value ||
            previous === Token.CloseBracket ||
            previous === Token.CloseBrace ||
            previous === Token.BlockKeyword);
        // `findMany({`: the object an operation is called with (its first argument).
        const operationArguments = !block && previous === Token.OpenParen && context.kind === Kind.OperationParen;
        if (block) keepArguments();
        if (!open(block ? Kind.Block : operationArguments ? Kind.Arguments : Kind.Brace)) return undefined;
        i++;
        previous = Token.OpenBrace;
        break;
      }
      case 125 /* } */: {
        const closed = stack.pop()!;
        if (stack.length === 0) return undefined;
        if (closed.kind === Kind.Template) {
          // The template goes on after `${…}`.
          const end = skipTemplatePart(text, i + 1);
          if (end < 0) return undefined;
          if (text.charCodeAt(end - 1) === 123) stack.push(closed);
          i = end;
          previous = Token.Value;
          break;
        }
        if (closed.kind === Kind.Block || closed.kind === Kind.Arguments) endRun(closed, previousEnd);
        else if (closed.kind !== Kind.Brace) return undefined;
        i++;
        previous = Token.CloseBrace;
        break;
      }
      case 40 /* ( */:
        // A paren's run start is where it opens (read by an assignment to it: `(g.db as T) = …`).
        if (!open(afterHeader ? Kind.HeaderParen : afterOperation ? Kind.OperationParen : Kind.Paren, i)) return undefined;
        i++;
        previous = Token.OpenParen;
        break;
      case 41 /* ) */: {
        const closed = stack.pop()!;
        if (stack.length === 0 || (closed.kind !== Kind.Paren && closed.kind !== Kind.HeaderParen && closed.kind !== Kind.OperationParen)) return undefined;
        i++;
        previous = closed.kind === Kind.HeaderParen ? Token.HeaderClose : Token.CloseParen;
        closedParenAt = closed.runStart;
        break;
      }
      case 91 /* [ */:
        if (!open(Kind.Bracket)) return undefined;
        i++;
        previous = Token.Operator;
        break;
      case 93 /* ] */: {
        const closed = stack.pop()!;
        if (stack.length === 0 || closed.kind !== Kind.Bracket) return undefined;
        i++;
        previous = Token.CloseBracket;
        break;
      }
      case 59 /* ; */:
        // No statement ends inside `${…}`: the template is broken, and the parser reads it otherwise.
        if (context.kind === Kind.Template) return undefined;
        i++;
        previous = Token.Semicolon;
        if (memberBodyAt === stack.length) memberBodyAt = -1;
        break;
      case 61 /* = */:
        i++;
        if (text.charCodeAt(i) === 62) {
          i++;
          previous = Token.Arrow;
          keepArguments();
        } else {
          // An assignment to a parenthesised target (`(g.db as T) = base.$extends(…)`) binds a name
          // the pass saw before `)`, not before `=`: every word in the parentheses counts.
          if (previous === Token.CloseParen && text.charCodeAt(i) !== 61) {
            const inside = text.slice(closedParenAt, previousEnd);
            for (const match of inside.matchAll(WORDS_IN_TEXT)) {
              bindingWords.push(match[0]);
              bindingAt.push(closedParenAt + match.index!);
            }
          }
          previous = Token.Operator;
        }
        break;
      case 62 /* > */:
        i++;
        previous = Token.Greater;
        break;
      case 92 /* \ */:
        // An escape in an identifier (`find\u004Dany`) spells a name this pass cannot read.
        return undefined;
      case 44 /* , */:
        i++;
        previous = Token.Comma;
        break;
      default:
        if ((code === 43 || code === 45) && text.charCodeAt(i + 1) === code && (previous === Token.Value || previous === Token.CloseParen || previous === Token.CloseBracket)) {
          // `a++ / 2`: a postfix `++`/`--` leaves a value's end.
          i += 2;
          break;
        }
        i++;
        previous = Token.Operator;
    }
    // `function* name`: the `*` keeps the next word bound.
    if (code !== 42) afterFunction = false;
    afterHeader = false;
    afterOperation = false;
    previousEnd = i;
  }
  if (stack.length !== 1) return undefined;
  endRun(stack[0]!, previousEnd);
  return blank(text, candidates, bindingWords, bindingAt);
}

/** Whether an `import`/`export` statement imports or re-exports (`import …`, `export {`, `export *`, `export type {`, `export =`): kept. */
function keptModuleStatement(text: string, start: number, end: number, follower: number): boolean {
  if (text.startsWith('import', start)) return true;
  if (follower === 123 || follower === 42 || follower === 61) return true;
  let at = end;
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  return text.startsWith('type', at) && text.charCodeAt(skipBlank(text, at + 4)) === 123;
}

/**
 * Whether a word followed (after white space) by `at` stands where a declaration or an assignment
 * binds it: before `=` (not `==`; `=>` included, a parameter), `:`, `?:`, `!:`, `! =`. A comment in
 * between counts as yes.
 */
function isBindingPosition(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code === 47) return true;
  if (code === 58 /* : */) return true;
  if (code === 61 /* = */) return text.charCodeAt(at + 1) !== 61;
  if (code === 33 /* ! */ && text.charCodeAt(at + 1) === 61) return false; // `!=`, `!==`
  if (code === 63 /* ? */ || code === 33 /* ! */) {
    // `name?:`, `name!:`, and `name! = …` (an assignment through a non-null assertion).
    const next = text.charCodeAt(skipBlank(text, at + 1));
    return next === 58 || next === 47 || (code === 33 && next === 61);
  }
  return false;
}

const WORDS_IN_TEXT = /[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*/g;

/** The outermost blankable runs, blanked, with the words they may bind. */
function blank(text: string, candidates: Span[], bindingWords: readonly string[], bindingAt: readonly number[]): PrunedText | undefined {
  if (candidates.length === 0) return undefined;
  // Inner runs end before the runs that hold them: order by start, the longer first.
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const regions: Span[] = [];
  let coveredUntil = -1;
  for (const candidate of candidates) {
    if (candidate.start < coveredUntil) continue;
    regions.push(candidate);
    coveredUntil = candidate.end;
  }
  const bound = new Set<string>();
  let word = 0;
  for (const region of regions) {
    while (word < bindingAt.length && bindingAt[word]! < region.start) word++;
    for (; word < bindingAt.length && bindingAt[word]! < region.end; word++) bound.add(bindingWords[word]!);
  }
  const parts: string[] = [];
  // Line breaks other than `\n` are rare: without them, `indexOf` finds the line breaks to keep.
  const nextBreak = /[\r\u2028\u2029]/.test(text)
    ? (from: number, end: number): number => {
        for (let i = from; i < end; i++) if (isLineBreak(text.charCodeAt(i))) return i;
        return -1;
      }
    : (from: number): number => text.indexOf('\n', from);
  let at = 0;
  for (const region of regions) {
    parts.push(text.slice(at, region.start));
    // Spaces, but every line break where it was.
    let from = region.start;
    for (let i = nextBreak(from, region.end); i >= 0 && i < region.end; i = nextBreak(from, region.end)) {
      parts.push(spaces(i - from), text[i]!);
      from = i + 1;
    }
    parts.push(spaces(region.end - from));
    at = region.end;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), regions, bound };
}

const SPACES = ' '.repeat(1024);

function spaces(count: number): string {
  return count <= SPACES.length ? SPACES.slice(0, count) : ' '.repeat(count);
}
