/**
 * When the editor reports Prisma's own schema errors (`schema-error`): with `prismaLens.schemaErrors`
 * set to `always`, or to `auto` (the default) while the official Prisma extension, which reports
 * them itself, is not installed. Prisma's validation runs in a worker thread after a pause in typing
 * (`SchemaValidations`), and the client is asked to pull again when its errors change.
 */
import type { SchemaWorkspace } from '../workspace/documents';
import { SchemaValidations } from '../workspace/schema-validations';
import { SchemaValidationThread } from '../engines/schema-validation-thread';

export type SchemaErrorsSetting = 'auto' | 'always' | 'never';

const SETTINGS: readonly SchemaErrorsSetting[] = ['auto', 'always', 'never'];

export class SchemaErrorReporting {
  private setting: SchemaErrorsSetting = 'auto';
  private officialExtension = false;
  private readonly thread = new SchemaValidationThread();
  private readonly validations: SchemaValidations;

  constructor(workspace: SchemaWorkspace, options: { refresh: () => void; log: (message: string) => void; debounceMs?: number }) {
    this.validations = new SchemaValidations({ validate: (files) => this.thread.validate(files), onChange: options.refresh, log: options.log, debounceMs: options.debounceMs });
    workspace.useValidations((schemaKey, files) => (this.enabled() ? this.validations.lookup(schemaKey, files) : undefined));
  }

  enabled(): boolean {
    return this.setting === 'always' || (this.setting === 'auto' && !this.officialExtension);
  }

  /** Takes the `prismaLens` settings object (its `schemaErrors`); true when reporting was turned on or off. */
  setSettings(settings: unknown): boolean {
    const value = (settings as { schemaErrors?: unknown } | undefined)?.schemaErrors;
    return this.update(() => (this.setting = SETTINGS.includes(value as SchemaErrorsSetting) ? (value as SchemaErrorsSetting) : 'auto'));
  }

  /** Whether the official Prisma extension is installed and enabled, as the client reports it; true when reporting was turned on or off. */
  setOfficialExtension(present: boolean): boolean {
    return this.update(() => (this.officialExtension = present));
  }

  dispose(): Promise<void> {
    this.validations.clear();
    return this.thread.dispose();
  }

  private update(change: () => void): boolean {
    const before = this.enabled();
    change();
    const after = this.enabled();
    // Turned off: nothing is validated any more, and the engine's memory is given back.
    if (!after) void this.dispose();
    return before !== after;
  }
}
