/**
 * Names and message types the language server and the extension share: commands, notifications,
 * requests and what a diagnostic carries. Declared once here; both bundles import them (the
 * EXPLAIN requests are in explain-protocol.ts).
 */

/** Diagnostic source shown in the Problems panel. */
export const DIAGNOSTIC_SOURCE = 'prisma-lens';

/** Server-side command behind "Prisma Lens: Fix All Safe Problems in File"; argument: the document URI. */
export const FIX_ALL_COMMAND = 'prismaLens.server.fixAllInFile';

/** Client command that opens a rule's documentation; argument: the rule id. */
export const SHOW_RULE_DOCS_COMMAND = 'prismaLens.showRuleDocumentation';

/**
 * Client → server notification, `{ present: boolean }`: whether the official Prisma extension
 * (`Prisma.prisma`) is installed and enabled, sent when that changes (the start value comes in
 * `initializationOptions.officialPrismaExtension`). With it, `schema-error` is left to it by default.
 */
export const OFFICIAL_PRISMA_EXTENSION_NOTIFICATION = 'prismaLens/officialPrismaExtension';

/** Code action kind of the fix-all action, so `editor.codeActionsOnSave` can name it. */
export const FIX_ALL_KIND = 'source.fixAll.prismaLens';

/**
 * What `Diagnostic.data` carries when a diagnostic brings its fixes along: the fixes, already in LSP
 * terms, so code actions only deserialize. Lean diagnostics have no `data`: their `code` is the rule id.
 */
export interface DiagnosticData {
  ruleId: string;
  fixes: SerializedFix[];
  /** On a migration that has been applied: no edit is offered (Prisma checks its checksum), not even an ignore comment. */
  applied?: true;
}

/** The rule of a Prisma Lens diagnostic, from its `data` or its `code`. */
export function ruleIdOf(diagnostic: { source?: string; code?: number | string; data?: unknown }): string | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  return (diagnostic.data as DiagnosticData | undefined)?.ruleId ?? (typeof diagnostic.code === 'string' ? diagnostic.code : undefined);
}

export interface SerializedFix {
  title: string;
  applicability: 'safe' | 'unsafe';
  edits: { uri: string; range: LspRange; newText: string }[];
}

export interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** Request: `{ uri }` → `{ text }`, the preview document's content. */
export const PREVIEW_NEXT_MIGRATION_REQUEST = 'prismaLens/previewNextMigration';
/** Request: `{ uri }` → `{ fields: SafeMigrationCandidate[], problem? }`, the new required fields of the next migration. */
export const SAFE_MIGRATION_CANDIDATES_REQUEST = 'prismaLens/safeMigrationCandidates';
/** Request: `{ uri, model, field }` → `{ folders: string[] }` or `{ error }`: writes the expand/contract migrations. */
export const CREATE_SAFE_MIGRATION_REQUEST = 'prismaLens/createSafeMigration';

export interface SafeMigrationCandidate {
  model: string;
  field: string;
  /** The schema file and zero-based line of the field. */
  uri: string;
  line: number;
}
