/** Names shared by the server and the client, declared in shared/protocol.ts. */
export { DIAGNOSTIC_SOURCE, FIX_ALL_COMMAND, SHOW_RULE_DOCS_COMMAND, OFFICIAL_PRISMA_EXTENSION_NOTIFICATION, FIX_ALL_KIND, ruleIdOf } from '../../../shared/protocol';
export type { DiagnosticData, SerializedFix, LspRange } from '../../../shared/protocol';
