/** Names shared with the server (mirrors server/src/lsp/protocol.ts). */
export const FIX_ALL_COMMAND = 'prismaLens.server.fixAllInFile';
export const SHOW_RULE_DOCS_COMMAND = 'prismaLens.showRuleDocumentation';
/** Client → server, `{ present: boolean }`: whether the official Prisma extension is installed and enabled. */
export const OFFICIAL_PRISMA_EXTENSION_NOTIFICATION = 'prismaLens/officialPrismaExtension';
