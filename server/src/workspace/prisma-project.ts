/** Pure readers of the files that tell where a Prisma project keeps its schema and its generated clients. */

/** The config file names Prisma's CLI (6 and 7) loads from a project folder, in the order its loader tries them. */
export const PRISMA_CONFIG_NAMES: readonly string[] = ['js', 'ts', 'mjs', 'cjs', 'mts', 'cts'].map((ext) => `prisma.config.${ext}`);

/** What a project's own files say about its schema location. */
export type ConfiguredSchema =
  | { kind: 'path'; path: string }
  | { kind: 'unreadable'; reason: string };

/**
 * The `schema` property of a `prisma.config.*` file, read from its text without executing it:
 * a string literal, `path.join(…)`/`path.resolve(…)` of literals and `__dirname`, or a `const`
 * holding one of those. The returned path is relative to the config file's folder, which is how
 * Prisma resolves it; undefined when the config does not set `schema`.
 */
export function schemaFromPrismaConfig(text: string): ConfiguredSchema | undefined {
  const code = stripScriptComments(text);
  // Property names are searched with string contents blanked, so `'a schema, b'` is not a key.
  const masked = maskStrings(code);
  const property = /(?:^|[{,\s])(['"]?)schema\1\s*(:|[,}\n])/g;
  for (let match = property.exec(masked); match; match = property.exec(masked)) {
    const afterName = match.index + match[0].length;
    if (match[2] !== ':') {
      // Shorthand `{ schema }`: the value is a variable of the same name.
      return resolveIdentifier(code, 'schema', 0) ?? unreadable('schema');
    }
    const start = skipSpaces(code, afterName);
    const parsed = parseExpression(code, start, 0);
    if (parsed) return { kind: 'path', path: parsed };
    return unreadable(code.slice(start, code.indexOf('\n', start) === -1 ? undefined : code.indexOf('\n', start)).trim());
  }
  return undefined;
}

/** The `prisma.schema` entry of a package.json, the location Prisma 5 and 6 honour. */
export function schemaFromPackageJson(text: string): ConfiguredSchema | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'unreadable', reason: `package.json is not valid JSON (${(error as Error).message})` };
  }
  if (!isRecord(json) || !isRecord(json.prisma) || json.prisma.schema === undefined) return undefined;
  const schema = json.prisma.schema;
  if (typeof schema !== 'string' || schema.trim() === '') return { kind: 'unreadable', reason: '"prisma.schema" in package.json is not a path' };
  return { kind: 'path', path: schema };
}

/** The `output` folders of a schema file's generator blocks, as written (relative to that file). */
export function generatorOutputs(schemaText: string): string[] {
  const code = stripSchemaComments(schemaText);
  const outputs: string[] = [];
  for (const block of code.matchAll(/\bgenerator\s+\w+\s*\{([^}]*)\}/g)) {
    const output = /^\s*output\s*=\s*"((?:[^"\\\n]|\\.)*)"/m.exec(block[1]!);
    if (output) outputs.push(output[1]!.replace(/\\(.)/g, '$1'));
  }
  return outputs;
}

/** True when the schema file declares a `datasource` block. */
export function declaresDatasource(schemaText: string): boolean {
  return /^[ \t]*datasource\s+\w+\s*\{/m.test(stripSchemaComments(schemaText));
}

/**
 * Whether a folder's entries look like a generated Prisma client: `prisma-client-js` copies
 * `schema.prisma` next to its typings and engines, and it must not be reviewed as a second schema.
 * `'package-json'` means the folder's package.json name decides (see `isGeneratedClientPackage`):
 * a generated client names itself `.prisma/client` or `prisma-client-<hash>`, while a workspace
 * package that keeps the schema beside a `client.ts` re-exporting PrismaClient (`@acme/db`, a
 * common monorepo layout) is a project. Without a package.json, a lone `client.ts` is no evidence
 * either: the new `prisma-client` generator writes it with `models.ts`, `enums.ts` or `browser.ts`.
 */
export function generatedClientEvidence(entryNames: readonly string[]): 'generated' | 'package-json' | 'none' {
  if (!entryNames.includes('schema.prisma')) return 'none';
  if (entryNames.includes('package.json')) return 'package-json';
  const markers = ['index.d.ts', 'client.d.ts', 'edge.js', 'default.d.ts', 'wasm.js'];
  if (entryNames.some((name) => markers.includes(name) || /^(?:lib)?query_engine/.test(name))) return 'generated';
  const newGenerator = entryNames.includes('client.ts') && ['models.ts', 'enums.ts', 'browser.ts'].some((name) => entryNames.includes(name));
  return newGenerator ? 'generated' : 'none';
}

/** Package names Prisma gives generated clients: `.prisma/client`, `@prisma/client`, `prisma-client-<hash>`. */
export function isGeneratedClientPackage(packageJsonText: string): boolean {
  try {
    const json: unknown = JSON.parse(packageJsonText);
    const name = isRecord(json) && typeof json.name === 'string' ? json.name : '';
    return /^(?:\.prisma\/client|@prisma\/client|prisma-client-[\w-]+)(?:\/|$)/.test(name);
  } catch {
    return false;
  }
}

function unreadable(expression: string): ConfiguredSchema {
  return { kind: 'unreadable', reason: `the \`schema\` of the Prisma config (${expression || 'empty'}) is not a literal path Prisma Lens can read without running it` };
}

/**
 * Evaluates the small expression language configs use for paths. Depth bounds the `const`
 * lookups, so `const a = b; const b = a` cannot loop.
 */
function parseExpression(code: string, start: number, depth: number): string | undefined {
  const literal = readStringLiteral(code, start);
  if (literal) return literal.value;
  const call = /^(?:[A-Za-z_$][\w$]*\.)*(join|resolve)\s*\(/.exec(code.slice(start, start + 80));
  if (call) {
    const segments = readArguments(code, start + call[0].length, depth);
    if (!segments) return undefined;
    const kept = segments.filter((segment) => segment !== DIRNAME);
    return kept.length === 0 ? '.' : joinSegments(kept);
  }
  const identifier = /^[A-Za-z_$][\w$]*/.exec(code.slice(start, start + 80));
  if (identifier && !DIRNAME_EXPRESSIONS.some((form) => code.startsWith(form, start))) {
    const value = resolveIdentifier(code, identifier[0], depth + 1);
    return value?.kind === 'path' ? value.path : undefined;
  }
  return undefined;
}

/** Stands for the config file's own folder, which every relative path is resolved against anyway. */
const DIRNAME = '\u0000dirname';
const DIRNAME_EXPRESSIONS = ['__dirname', 'import.meta.dirname', 'process.cwd()'];

function readArguments(code: string, start: number, depth: number): string[] | undefined {
  const segments: string[] = [];
  let at = skipSpaces(code, start);
  while (code[at] !== ')') {
    const dirname = DIRNAME_EXPRESSIONS.find((form) => code.startsWith(form, at));
    if (dirname) {
      segments.push(DIRNAME);
      at += dirname.length;
    } else if (readStringLiteral(code, at)) {
      const literal = readStringLiteral(code, at)!;
      segments.push(literal.value);
      at = literal.end;
    } else {
      // A variable: `path.join(base, 'schema.prisma')` with `const base = 'prisma'`.
      const identifier = /^[A-Za-z_$][\w$]*/.exec(code.slice(at, at + 80));
      const value = identifier && resolveIdentifier(code, identifier[0], depth + 1);
      if (!identifier || value?.kind !== 'path') return undefined;
      segments.push(value.path);
      at += identifier[0].length;
    }
    at = skipSpaces(code, at);
    if (code[at] === ',') at = skipSpaces(code, at + 1);
    else if (code[at] !== ')') return undefined;
  }
  return segments;
}

function resolveIdentifier(code: string, name: string, depth: number): ConfiguredSchema | undefined {
  if (depth > 4) return undefined;
  const declaration = new RegExp(`\\b(?:const|let|var)\\s+${name.replace(/\$/g, '\\$')}\\s*(?::[^=]+)?=\\s*`).exec(code);
  if (!declaration) return undefined;
  const value = parseExpression(code, declaration.index + declaration[0].length, depth);
  return value === undefined ? undefined : { kind: 'path', path: value };
}

function joinSegments(segments: readonly string[]): string {
  let joined = '';
  for (const segment of segments) {
    const normalized = segment.replace(/\\/g, '/');
    // path.resolve restarts at an absolute segment; path.join would not, but nobody writes that.
    joined = /^(?:\/|[A-Za-z]:\/)/.test(normalized) || joined === '' ? normalized : `${joined.replace(/\/$/, '')}/${normalized}`;
  }
  return joined;
}

function readStringLiteral(code: string, start: number): { value: string; end: number } | undefined {
  const quote = code[start];
  if (quote !== "'" && quote !== '"' && quote !== '`') return undefined;
  let value = '';
  for (let at = start + 1; at < code.length; at++) {
    const char = code[at]!;
    if (char === '\\') {
      value += code[at + 1] ?? '';
      at++;
    } else if (char === quote) {
      return { value, end: at + 1 };
    } else if (char === '\n' && quote !== '`') {
      return undefined;
    } else if (quote === '`' && char === '$' && code[at + 1] === '{') {
      return undefined;
    } else {
      value += char;
    }
  }
  return undefined;
}

function skipSpaces(code: string, at: number): number {
  while (at < code.length && /\s/.test(code[at]!)) at++;
  return at;
}

/** Blanks out `//` and `/* … *\/` comments of JS/TS source, leaving strings (and their `//`) intact. */
export function stripScriptComments(text: string): string {
  let out = '';
  let at = 0;
  while (at < text.length) {
    const char = text[at]!;
    if (char === '"' || char === "'" || char === '`') {
      const end = endOfString(text, at);
      out += text.slice(at, end);
      at = end;
    } else if (char === '/' && text[at + 1] === '/') {
      const end = text.indexOf('\n', at);
      at = end === -1 ? text.length : end;
    } else if (char === '/' && text[at + 1] === '*') {
      const end = text.indexOf('*/', at + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(at, stop).replace(/[^\n]/g, ' ');
      at = stop;
    } else {
      out += char;
      at++;
    }
  }
  return out;
}

/** Blanks the contents of string literals other than `'schema'` itself, keeping every offset. */
function maskStrings(code: string): string {
  let out = '';
  let at = 0;
  while (at < code.length) {
    const char = code[at]!;
    if (char === '"' || char === "'" || char === '`') {
      const end = endOfString(code, at);
      const literal = code.slice(at, end);
      out += literal.slice(1, -1) === 'schema' ? literal : char + ' '.repeat(Math.max(0, end - at - 2)) + (end - at > 1 ? code[end - 1] : '');
      at = end;
    } else {
      out += char;
      at++;
    }
  }
  return out;
}

function endOfString(text: string, start: number): number {
  const quote = text[start];
  for (let at = start + 1; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === quote) return at + 1;
    else if (text[at] === '\n' && quote !== '`') return at;
  }
  return text.length;
}

/** Removes Prisma's `//` comments, which may not start inside a string (`url = "postgres://…"`). */
function stripSchemaComments(text: string): string {
  return text.replace(/^((?:[^"\n/]|"(?:[^"\\\n]|\\.)*"|\/(?!\/))*)\/\/.*$/gm, '$1');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
