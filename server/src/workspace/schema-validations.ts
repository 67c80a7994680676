/**
 * Prisma's validation of each schema for the editor, kept off the diagnostics path: a pull asks for
 * the validation of the texts it analyses and gets it at once, from a cache per schema; when the
 * texts are new, it gets the last validation carried over the edit (errors before the edit stay,
 * errors after it move with the text, errors inside it wait), and a validation of the new texts is
 * scheduled after a quiet spell. When one arrives that changes the errors, `onChange` asks for new
 * diagnostics. A valid schema costs a few string comparisons per pull.
 */
import type { SchemaError } from '../analysis/facts/workspace-facts';
import type { SchemaFile } from '../analysis/schema/model';
import type { PrismaValidation } from '../engines/schema-validation';

export interface SchemaValidationLookup {
  /** Changes whenever `errors` may have: part of the analysis cache key. */
  key: string;
  errors: readonly SchemaError[];
}

export interface SchemaValidationsOptions {
  /** Validates the texts, never rejecting (a thread in the server, the engine in-process in tests). */
  validate: (files: readonly SchemaFile[]) => Promise<PrismaValidation>;
  /** Called when a validation arrives that changes the errors of a schema. */
  onChange: () => void;
  log: (message: string) => void;
  /** Quiet time after the last new text before it is validated. */
  debounceMs?: number;
}

interface Validated {
  /** The texts validated, by URI. */
  texts: ReadonlyMap<string, string>;
  errors: readonly SchemaError[];
  id: number;
}

interface SchemaState {
  latest?: Validated;
  /** The sequence number of the request whose result `latest` is: an older answer arriving late is dropped. */
  latestRequest: number;
  /** The texts waiting for the quiet spell to end. */
  scheduled?: { files: readonly SchemaFile[]; timer: NodeJS.Timeout };
  /** The last carried-over answer, so that pulls of one text compute it once. */
  carried?: { files: readonly SchemaFile[]; lookup: SchemaValidationLookup };
  /** Whether a validation was ever scheduled: the first one runs at once. */
  started?: boolean;
}

const DEFAULT_DEBOUNCE_MS = 400;
const VALID = 'valid';

export class SchemaValidations {
  private readonly schemas = new Map<string, SchemaState>();
  private nextId = 1;
  private nextRequest = 1;
  private lastFailure: string | undefined;

  constructor(private readonly options: SchemaValidationsOptions) {}

  /** The validation of exactly `files` when known; else the last one carried over, with a validation of `files` scheduled. */
  lookup(schemaKey: string, files: readonly SchemaFile[]): SchemaValidationLookup | undefined {
    let state = this.schemas.get(schemaKey);
    if (!state) this.schemas.set(schemaKey, (state = { latestRequest: 0 }));
    const latest = state.latest;
    // A valid schema has one key whatever validated it, so that a validation that finds nothing new analyses nothing again.
    if (latest && sameTexts(latest.texts, files)) return { key: latest.errors.length === 0 ? VALID : `${latest.id}`, errors: latest.errors };
    this.schedule(schemaKey, state, files);
    if (!latest) return undefined;
    if (latest.errors.length === 0) return { key: VALID, errors: [] };
    if (state.carried && sameFiles(state.carried.files, files)) return state.carried.lookup;
    const lookup = { key: `${latest.id}~`, errors: carryOver(latest, files) };
    state.carried = { files, lookup };
    return lookup;
  }

  /** Forgets every validation and cancels the scheduled ones (the setting turned the check off). */
  clear(): void {
    for (const state of this.schemas.values()) clearTimeout(state.scheduled?.timer);
    this.schemas.clear();
  }

  private schedule(schemaKey: string, state: SchemaState, files: readonly SchemaFile[]): void {
    if (state.scheduled && sameFiles(state.scheduled.files, files)) return;
    clearTimeout(state.scheduled?.timer);
    if (!state.started) {
      // The first validation of a schema waits for no pause in typing: nobody has typed yet. It starts
      // while the first analysis is still running, so that the engine's start (a thread, then
      // compiling its WebAssembly) uses the other core then, not the time of the first keystrokes.
      state.started = true;
      void this.run(schemaKey, state, files);
      return;
    }
    const timer = setTimeout(() => {
      state.scheduled = undefined;
      void this.run(schemaKey, state, files);
    }, this.options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
    state.scheduled = { files, timer };
  }

  private async run(schemaKey: string, state: SchemaState, files: readonly SchemaFile[]): Promise<void> {
    const request = this.nextRequest++;
    const result = await this.options.validate(files);
    if (this.schemas.get(schemaKey) !== state || request < state.latestRequest) return;
    if ('failure' in result) {
      // Said once per distinct failure: a thread that cannot start fails the same way on every edit.
      if (result.failure !== this.lastFailure) this.options.log(`Prisma's schema validation did not run: ${result.failure}`);
      this.lastFailure = result.failure;
      return;
    }
    const previous = state.latest;
    state.latestRequest = request;
    state.latest = { texts: new Map(files.map((file) => [file.uri, file.text])), errors: result.errors, id: this.nextId++ };
    state.carried = undefined;
    // A schema that was valid and still is shows nothing new: no refresh for it.
    if (result.errors.length > 0 || (previous && previous.errors.length > 0)) this.options.onChange();
  }
}

/** True when `files` are exactly the validated texts (the same string is compared by reference first). */
function sameTexts(texts: ReadonlyMap<string, string>, files: readonly SchemaFile[]): boolean {
  if (texts.size !== files.length) return false;
  return files.every((file) => texts.get(file.uri) === file.text);
}

function sameFiles(a: readonly SchemaFile[], b: readonly SchemaFile[]): boolean {
  return a.length === b.length && a.every((file, index) => file.uri === b[index]!.uri && file.text === b[index]!.text);
}

/**
 * The errors of the last validation placed in the new texts: an edit is the part between the longest
 * common prefix and suffix of a file's old and new text; errors before it stay, errors after it move
 * by the length it added or removed, and errors it touches are left out until the new validation.
 */
function carryOver(latest: Validated, files: readonly SchemaFile[]): SchemaError[] {
  const current = new Map(files.map((file) => [file.uri, file.text]));
  const edits = new Map<string, { start: number; oldEnd: number; delta: number }>();
  const carried: SchemaError[] = [];
  for (const error of latest.errors) {
    const before = latest.texts.get(error.uri);
    const after = current.get(error.uri);
    if (before === undefined || after === undefined) continue;
    if (before === after) {
      carried.push(error);
      continue;
    }
    let edit = edits.get(error.uri);
    if (!edit) edits.set(error.uri, (edit = editBetween(before, after)));
    if (error.end < edit.start) carried.push(error);
    else if (error.start > edit.oldEnd) carried.push({ ...error, start: error.start + edit.delta, end: error.end + edit.delta });
  }
  return carried;
}

/** The one region where two texts differ: `[start, oldEnd)` of the old text became `delta` characters longer. */
function editBetween(before: string, after: string): { start: number; oldEnd: number; delta: number } {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let suffix = 0;
  while (suffix < shorter - start && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { start, oldEnd: before.length - suffix, delta: after.length - before.length };
}
