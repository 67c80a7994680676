/**
 * Lays out one-line SQL one clause per line (SELECT, FROM, each JOIN, WHERE, GROUP BY, ORDER BY,
 * LIMIT…) with subqueries indented, for the EXPLAIN panel and the CLI's text report alike, putting
 * line breaks and indentation only between tokens, never inside a literal, a quoted identifier or a
 * comment, so that the laid-out text is the same statement.
 */
// Pure, with no Node or browser API: it lives outside client/ and server/ because the webview bundle
// and the CLI both import it, and the client imports no server code.

export interface SqlToken {
  kind: 'space' | 'comment' | 'string' | 'identifier' | 'word' | 'parameter' | 'open' | 'close' | 'other';
  text: string;
}

/**
 * PostgreSQL's tokens, as far as layout needs them: white space, `--` and nested `/* *\/` comments,
 * '…' strings (E'…' with backslash escapes), $tag$…$tag$ strings, "…" identifiers, words, `$n`
 * parameters and parentheses; anything else is one character at a time.
 */
export function sqlTokens(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let at = 0;
  while (at < sql.length) {
    const start = at;
    const char = sql[at]!;
    const next = sql[at + 1];
    let kind: SqlToken['kind'];
    if (/\s/.test(char)) {
      while (at < sql.length && /\s/.test(sql[at]!)) at++;
      kind = 'space';
    } else if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', at);
      at = end < 0 ? sql.length : end;
      kind = 'comment';
    } else if (char === '/' && next === '*') {
      at = blockCommentEnd(sql, at);
      kind = 'comment';
    } else if (char === "'") {
      at = quotedEnd(sql, at, "'", false);
      kind = 'string';
    } else if (char === '"') {
      at = quotedEnd(sql, at, '"', false);
      kind = 'identifier';
    } else if (char === '$' && next !== undefined && /\d/.test(next)) {
      at++;
      while (at < sql.length && /\d/.test(sql[at]!)) at++;
      kind = 'parameter';
    } else if (char === '$' && dollarTag(sql, at) !== undefined) {
      const tag = dollarTag(sql, at)!;
      const end = sql.indexOf(tag, at + tag.length);
      at = end < 0 ? sql.length : end + tag.length;
      kind = 'string';
    } else if (/[A-Za-z_\u0080-\uffff]/.test(char)) {
      while (at < sql.length && /[\w$\u0080-\uffff]/.test(sql[at]!)) at++;
      // E'…' is one string, whose backslash escapes can hide a quote.
      if (/^[eE]$/.test(sql.slice(start, at)) && sql[at] === "'") {
        at = quotedEnd(sql, at, "'", true);
        kind = 'string';
      } else {
        kind = 'word';
      }
    } else if (char === '(' || char === ')') {
      at++;
      kind = char === '(' ? 'open' : 'close';
    } else {
      at++;
      kind = 'other';
    }
    tokens.push({ kind, text: sql.slice(start, at) });
  }
  return tokens;
}

/** The end of a quoted text starting at `at`: a doubled quote stays inside, as does a backslashed one in E'…'. */
function quotedEnd(sql: string, at: number, quote: string, backslashEscapes: boolean): number {
  let index = at + 1;
  while (index < sql.length) {
    const char = sql[index]!;
    if (backslashEscapes && char === '\\') index += 2;
    else if (char === quote && sql[index + 1] === quote) index += 2;
    else if (char === quote) return index + 1;
    else index++;
  }
  return sql.length;
}

/** PostgreSQL's block comments nest. */
function blockCommentEnd(sql: string, at: number): number {
  let depth = 0;
  let index = at;
  while (index < sql.length) {
    if (sql.startsWith('/*', index)) {
      depth++;
      index += 2;
    } else if (sql.startsWith('*/', index)) {
      depth--;
      index += 2;
      if (depth === 0) return index;
    } else {
      index++;
    }
  }
  return sql.length;
}

/** `$tag$` or `$$` opening a dollar-quoted string at `at`. */
function dollarTag(sql: string, at: number): string | undefined {
  return /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(at, at + 64))?.[0];
}

/**
 * Words that start a clause on its own line when they are not inside a function's parentheses, with
 * what must hold around them (`ORDER` of `WITHIN GROUP (ORDER BY …)` is inside parentheses already;
 * `FROM` of `IS DISTINCT FROM` is not).
 */
const CLAUSES: ReadonlyMap<string, (previous: string, next: string) => boolean> = new Map([
  ['SELECT', (previous: string) => !['UNION', 'ALL', 'INTERSECT', 'EXCEPT'].includes(previous)],
  ['FROM', (previous: string) => previous !== 'DELETE' && previous !== 'DISTINCT'],
  ['WHERE', () => true],
  ['GROUP', (_previous: string, next: string) => next === 'BY'],
  ['HAVING', () => true],
  ['WINDOW', () => true],
  ['ORDER', (_previous: string, next: string) => next === 'BY'],
  ['LIMIT', () => true],
  ['OFFSET', () => true],
  ['FETCH', () => true],
  ['RETURNING', () => true],
  ['VALUES', (previous: string) => previous !== 'DEFAULT'],
  ['SET', () => true],
  ['UNION', () => true],
  ['INTERSECT', () => true],
  ['EXCEPT', () => true],
  ['FOR', (_previous: string, next: string) => ['UPDATE', 'SHARE', 'NO', 'KEY'].includes(next)],
  ['ON', (_previous: string, next: string) => next === 'CONFLICT'],
  ['JOIN', (previous: string) => !JOIN_MODIFIERS.has(previous)],
]);
const JOIN_MODIFIERS = new Set(['LEFT', 'RIGHT', 'FULL', 'INNER', 'CROSS', 'NATURAL', 'OUTER', 'LATERAL']);
/** A parenthesis opening one of these holds a statement of its own: a subquery. */
const STATEMENT_STARTS = new Set(['SELECT', 'WITH', 'VALUES', 'INSERT', 'UPDATE', 'DELETE']);
const INDENT = '  ';

/**
 * The statement laid out one clause per line, subqueries indented. Text that already has line breaks
 * (SQL the user wrote and selected) is returned as it is.
 */
export function layoutSql(sql: string): string {
  if (/[\r\n]/.test(sql)) return sql;
  const tokens = sqlTokens(sql);
  /** One entry per open parenthesis: whether it holds a subquery. */
  const frames: boolean[] = [];
  let level = 0;
  let out = '';
  let space = '';
  let started = false;
  let brokeLine = false;
  /** The previous token that is not white space or a comment, in upper case. */
  let previous = '';
  const breakLine = (): void => {
    out += `\n${INDENT.repeat(level)}`;
    space = '';
    brokeLine = true;
  };
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token.kind === 'space') {
      // The white space after an inserted line break is replaced by it.
      if (!brokeLine) space = token.text;
      continue;
    }
    if (token.kind === 'close' && frames.length > 0) {
      if (frames.pop()) {
        level--;
        breakLine();
      }
    } else if (started && !brokeLine && (frames.length === 0 || frames[frames.length - 1]) && token.kind === 'word' && startsClause(token.text.toUpperCase(), previous, tokens, index)) {
      breakLine();
    }
    out += space + token.text;
    space = '';
    started = true;
    brokeLine = false;
    if (token.kind === 'open') {
      const subquery = STATEMENT_STARTS.has(nextWord(tokens, index));
      frames.push(subquery);
      if (subquery) {
        level++;
        breakLine();
      }
    }
    if (token.kind !== 'comment') previous = token.text.toUpperCase();
  }
  return out + space;
}

function startsClause(word: string, previous: string, tokens: readonly SqlToken[], index: number): boolean {
  // `t.set` is a column, not a clause.
  if (previous === '.') return false;
  if (JOIN_MODIFIERS.has(word)) return !JOIN_MODIFIERS.has(previous) && isJoinAhead(tokens, index);
  return CLAUSES.get(word)?.(previous, nextWord(tokens, index)) ?? false;
}

/** `LEFT [OUTER] JOIN`, `CROSS JOIN LATERAL`: the words after `index` lead to JOIN. */
function isJoinAhead(tokens: readonly SqlToken[], index: number): boolean {
  for (let next = index + 1; next < tokens.length; next++) {
    const token = tokens[next]!;
    if (token.kind === 'space' || token.kind === 'comment') continue;
    if (token.kind !== 'word') return false;
    const word = token.text.toUpperCase();
    if (word === 'JOIN') return true;
    if (!JOIN_MODIFIERS.has(word)) return false;
  }
  return false;
}

/** The next word after `index` (upper case), skipping white space and comments; '' when a non-word comes first. */
function nextWord(tokens: readonly SqlToken[], index: number): string {
  for (let next = index + 1; next < tokens.length; next++) {
    const token = tokens[next]!;
    if (token.kind === 'space' || token.kind === 'comment') continue;
    return token.kind === 'word' ? token.text.toUpperCase() : '';
  }
  return '';
}
