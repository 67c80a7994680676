/**
 * The globs of `.prismalens.json` `overrides`: `*`, `?`, `**`, `[abc]` and `{a,b}`, matched against
 * paths relative to the configuration file's folder, with gitignore's two conveniences: a pattern
 * without a slash matches at any depth (`*.spec.ts`, `fixtures`), and a pattern that matches a folder
 * matches everything in it (`tests`, `src/legacy/`).
 */

/** A compiled set of globs: true when any of them matches the path. */
export type PathMatcher = (relativePath: string) => boolean;

/** Why a pattern cannot be used; undefined when it can. */
export function globProblem(pattern: string): string | undefined {
  return syntaxProblem(pattern) ?? (compilePattern(pattern).length === 0 ? `"${pattern}" has a character class whose range runs backwards, such as [z-a].` : undefined);
}

function syntaxProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'An empty pattern matches nothing.';
  if (pattern.startsWith('!')) return 'Negated patterns are not supported: list the files the entry is for.';
  if (/(^|\/)\.\.(\/|$)/.test(pattern)) return 'Patterns are relative to the folder of .prismalens.json and cannot reach above it with "..".';
  return undefined;
}

/** Compiles globs once; `relativePath` uses `/` and has no leading `./`. */
export function compileGlobs(patterns: readonly string[]): PathMatcher {
  const compiled = patterns.flatMap((pattern) => (syntaxProblem(pattern) ? [] : compilePattern(pattern)));
  return (relativePath) => {
    const path = relativePath.replace(/^(\.\/)+/, '');
    if (path === '' || path.startsWith('../')) return false;
    for (const glob of compiled) {
      if (!glob.foldersOnly && glob.regex.test(path)) return true;
      // The folders the path is in, innermost first: a pattern naming a folder covers its contents.
      for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
        if (glob.regex.test(path.slice(0, end))) return true;
      }
    }
    return false;
  };
}

/** One glob against one path (see `compileGlobs`). */
export function matchesGlob(pattern: string, relativePath: string): boolean {
  return compileGlobs([pattern])(relativePath);
}

interface CompiledGlob {
  regex: RegExp;
  /** The pattern ended with `/`: it names folders only. */
  foldersOnly: boolean;
}

/** The regular expressions of one pattern's brace alternatives; none when one is invalid (a reversed range). */
function compilePattern(pattern: string): CompiledGlob[] {
  try {
    return expandBraces(normalizePattern(pattern)).map(compileOne);
  } catch {
    return [];
  }
}

function normalizePattern(pattern: string): string {
  return pattern.trim().replace(/^(\.\/)+/, '');
}

function compileOne(pattern: string): CompiledGlob {
  const foldersOnly = pattern.endsWith('/');
  let body = pattern.replace(/\/+$/, '');
  // `/src/x.ts` is anchored at the configuration's folder, as every pattern with a slash is.
  const anchored = body.includes('/');
  body = body.replace(/^\/+/, '');
  const segments: string[] = [];
  for (const segment of [...(anchored ? [] : ['**']), ...body.split('/')]) {
    // `a//b` is `a/b`, and `**/**` is `**`.
    if (segment === '' || (segment === '**' && segments[segments.length - 1] === '**')) continue;
    segments.push(segment);
  }
  let source = '^';
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    const afterGlobstar = index > 0 && segments[index - 1] === '**';
    if (segment === '**') {
      if (index === 0) source += last ? '.*' : '(?:.*/)?';
      else source += last ? '(?:/.*)?' : '(?:/.*)?/';
      return;
    }
    if (index > 0 && !afterGlobstar) source += '/';
    source += segmentSource(segment);
  });
  return { regex: new RegExp(`${source}$`), foldersOnly };
}

/** One path segment: `*` and `?` stay within it, `[…]` is a character class, the rest is literal. */
function segmentSource(segment: string): string {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]!;
    if (char === '*') {
      while (segment[i + 1] === '*') i++;
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      let inner = segment.slice(i + 1, close);
      const negated = inner.startsWith('!') || inner.startsWith('^');
      if (negated) inner = inner.slice(1);
      source += `[${negated ? '^/' : ''}${inner.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else if (char === '\\' && i + 1 < segment.length) {
      source += escapeRegex(segment[++i]!);
    } else {
      source += escapeRegex(char);
    }
  }
  return source;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `{a,b}` alternatives become separate patterns (nested ones too); a brace with no comma is literal. */
export function expandBraces(pattern: string): string[] {
  for (let open = pattern.indexOf('{'); open >= 0; open = pattern.indexOf('{', open + 1)) {
    let depth = 0;
    const commas: number[] = [];
    let close = -1;
    for (let i = open; i < pattern.length; i++) {
      const char = pattern[i];
      if (char === '\\') i++;
      else if (char === '{') depth++;
      else if (char === '}' && --depth === 0) {
        close = i;
        break;
      } else if (char === ',' && depth === 1) commas.push(i);
    }
    if (close < 0) return [pattern];
    if (commas.length === 0) continue;
    const before = pattern.slice(0, open);
    const after = pattern.slice(close + 1);
    const bounds = [open, ...commas, close];
    const results: string[] = [];
    for (let k = 0; k + 1 < bounds.length; k++) {
      for (const expanded of expandBraces(`${before}${pattern.slice(bounds[k]! + 1, bounds[k + 1])}${after}`)) results.push(expanded);
    }
    return results;
  }
  return [pattern];
}
