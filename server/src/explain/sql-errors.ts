/** Turns the query compiler's validation messages into sentences about the user's own call. */

const FILTER_KEYWORDS = new Set(['is', 'isNot', 'some', 'every', 'none', 'equals', 'not', 'in', 'notIn', 'lt', 'lte', 'gt', 'gte', 'contains', 'startsWith', 'endsWith', 'mode', 'set', 'increment', 'decrement', 'multiply', 'divide', 'push', 'has', 'hasSome', 'hasEvery', 'isEmpty']);

const ARGUMENT_PATH = /`(?:[a-z]+[A-Z]\w*?\.)?((?:where|data|select|include|omit|orderBy|cursor|having|create|update|by|distinct|take|skip)\b[\w.]*)`/g;

/** One line saying what is wrong, naming the argument path (`where.title`) and the model. */
export function describeCompileError(message: string, model: string): string {
  const text = message.replace(/^Invalid .*? invocation:?\s*/i, '').trim();
  // The compiler reads the schema leniently: a block it cannot parse is simply missing.
  const missing = /Operation '(\w+)' for model '(\w+)' does not match any query/.exec(text);
  if (missing) return `the compiler finds no model \`${missing[2]}\` for \`${missing[1]}\` in the schema, which most likely has a syntax error there (\`prisma validate\` shows it)`;

  // A union's other alternatives report Prisma's own keywords (`is`, `equals`) as unknown: those are noise.
  const unknown = [...text.matchAll(/`([\w.]+)`: Field does not exist in enclosing type/g)].find((match) => !FILTER_KEYWORDS.has(match[1]!.split('.').pop()!));
  if (unknown) {
    const path = argumentPath(unknown[1]!);
    const name = path.split('.').pop();
    return `\`${path}\`: \`${name}\` is not a field there (the schema's \`${model}\` and its relations define what \`${path.split('.')[0]}\` accepts)`;
  }
  const notFound = /Field '(\w+)' not found in enclosing type '(\w+)'/.exec(text);
  if (notFound) return `\`${notFound[1]}\` is not a field of \`${notFound[2]}\``;

  const required = /`([\w.]+)`: A value is required but not set/.exec(text);
  if (required) {
    const path = argumentPath(required[1]!);
    return `\`${path}\` is required: \`${path.split('.').pop()}\` has no default in the schema, so the call must set it`;
  }
  const unique = /Expected a minimum of (\d+) fields of \(([^)]*)\) to be present/.exec(text);
  if (unique) return `\`where\` needs a unique field of \`${model}\` (one of ${unique[2]!.split(/,\s*/).map((field) => `\`${field}\``).join(', ')})`;

  const types = [...text.matchAll(/Invalid argument type\. `(\w+)` should be of any of the following types: ((?:`\w+`(?:, )?)+)/g)];
  if (types.length > 0) {
    const field = types[0]![1]!;
    const accepted = [...new Set(types.filter((match) => match[1] === field).flatMap((match) => [...match[2]!.matchAll(/`(\w+)`/g)].map((type) => type[1]!)))];
    return `\`${field}\` takes ${accepted.map((type) => `\`${type}\``).join(' or ')}, not the value given`;
  }
  const line = text.split('\n')[0] ?? '';
  const short = line.length > 300 ? `${line.slice(0, 299)}…` : line;
  return short.replace(ARGUMENT_PATH, '`$1`');
}

/** `findManyPost.where.title` → `where.title`. */
function argumentPath(path: string): string {
  return path.replace(/^[a-z]+[A-Z]\w*?\.(?=(?:where|data|select|include|omit|orderBy|cursor|having|create|update|by|distinct)\b)/, '');
}
