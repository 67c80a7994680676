/** Names shared with the server, declared in shared/protocol.ts. */
export { FIX_ALL_COMMAND, OFFICIAL_PRISMA_EXTENSION_NOTIFICATION, SHOW_RULE_DOCS_COMMAND } from '../../shared/protocol';
