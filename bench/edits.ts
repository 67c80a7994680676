/** Plans keystroke-like edits of a generated schema, each in a different model, as a user typing would make them. */
import type { GeneratedModel } from './generate-schema';

export type EditKind = 'append-character' | 'delete-character' | 'add-index';

export interface SchemaEdit {
  kind: EditKind;
  model: string;
  description: string;
  /** The whole document after this edit (and every earlier one), as a full-text didChange sends it. */
  text: string;
}

interface ModelBlock {
  start: number;
  end: number;
}

/** The model's block from `model Name {` up to and including its closing brace. */
function findModel(text: string, name: string): ModelBlock {
  const start = text.indexOf(`\nmodel ${name} {\n`);
  if (start < 0) throw new Error(`edits: model ${name} not found`);
  const end = text.indexOf('\n}', start + 1);
  return { start: start + 1, end: end + 2 };
}

/** Renames a field by editing its name in place, keeping the rest of the line (alignment, type, attributes). */
function renameField(text: string, block: ModelBlock, field: string, newName: string): string {
  const body = text.slice(block.start, block.end);
  const match = new RegExp(`\\n  ${field} `).exec(body);
  if (!match) throw new Error(`edits: field ${field} not found`);
  const at = block.start + match.index + 3;
  return text.slice(0, at) + newName + text.slice(at + field.length);
}

/** Adds `@@index([field])` as the model's last line, where a user (or the quick fix) would type it. */
function addIndex(text: string, block: ModelBlock, field: string): string {
  const closing = block.end - 1;
  return `${text.slice(0, closing)}  @@index([${field}])\n${text.slice(closing)}`;
}

/**
 * Cycles through three edits a user makes while working on a schema: typing one more character of
 * a field name, deleting the last one, and adding the `@@index` that a finding asks for. Models are
 * spread evenly over the schema and never edited twice; every edit keeps the schema valid, and the
 * edits accumulate, as they do in an editor.
 */
export function planEdits(initialText: string, models: readonly GeneratedModel[], editCount: number): SchemaEdit[] {
  const kinds: EditKind[] = ['add-index', 'append-character', 'delete-character'];
  const edits: SchemaEdit[] = [];
  const used = new Set<string>();
  let text = initialText;
  const stride = Math.max(1, Math.floor(models.length / (editCount + 1)));
  // The n-th edit goes to the first suitable model at or after the n-th evenly spaced position.
  for (let position = 1; edits.length < editCount && position <= editCount * 2; position++) {
    const kind = kinds[edits.length % kinds.length]!;
    for (let offset = 0; offset < models.length; offset++) {
      const model = models[(stride * position + offset) % models.length]!;
      if (used.has(model.name)) continue;
      const edit = editModel(text, model, kind);
      if (!edit) continue;
      edits.push(edit);
      used.add(model.name);
      text = edit.text;
      break;
    }
  }
  if (edits.length < editCount) throw new Error(`edits: only ${edits.length} of ${editCount} edits could be planned`);
  return edits;
}

function editModel(text: string, model: GeneratedModel, kind: EditKind): SchemaEdit | undefined {
  const block = findModel(text, model.name);
  if (kind === 'add-index') {
    const field = model.unindexedForeignKeys[0];
    if (!field) return undefined;
    return { kind, model: model.name, description: `add @@index([${field}]) to ${model.name}`, text: addIndex(text, block, field) };
  }
  // Only names no attribute refers to, long enough to lose a character without becoming another field's name.
  const rename = (name: string) => (kind === 'append-character' ? `${name}s` : name.slice(0, -1));
  const taken = new Set(text.slice(block.start, block.end).split('\n').map((line) => line.trim().split(/\s+/)[0]));
  const field = model.renameableFields.find((name) => name.length > 3 && !taken.has(rename(name)));
  if (!field) return undefined;
  return { kind, model: model.name, description: `rename ${model.name}.${field} to ${rename(field)}`, text: renameField(text, block, field, rename(field)) };
}
