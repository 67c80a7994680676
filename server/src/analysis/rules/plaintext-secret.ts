/** Flags writes of passwords, secrets and API keys into `String` fields with no hashing or encryption in sight. */
import ts = require('typescript');
import type { CodeRuleContext } from '../code/context';
import type { QuerySite } from '../code/query-sites';
import { objectArgument, propertyName, shortText, spanOf, unwrap } from '../code/syntax';
import type { Field, Model } from '../schema/model';
import { constInitializer } from '../facts/code-scope';
import { argumentsPassed, parameterSource, type ParameterSource } from '../facts/parameter-arguments';
import { callableKey } from '../code/module-summary';
import { isProtected, PROTECTION, protectedEarlier } from '../facts/protected-values';
import { nameWords } from '../facts/schema-text';
import { defineRule, type CodeRule, type RuleFinding } from './types';

/** Field-name words that say what is stored is already protected, or is not the secret itself. */
const PROTECTED_WORDS = new Set([
  'hash', 'hashed', 'digest', 'encrypted', 'enc', 'cipher', 'ciphertext', 'salt', 'bcrypt', 'argon', 'hint', 'policy', 'expires', 'expiry', 'changed',
  'updated', 'last4', 'prefix', 'id', 'type', 'name', 'strength', 'version',
  // Where and how a token is used, not the token: `tokenEndpointAuthMethod`, `tokenUrl`, `secretUri`.
  'endpoint', 'url', 'uri', 'method',
  // A copy for display (`displaySecretKey`, `partialClientSecret`, `maskedApiKey`): a few characters and stars, not the secret.
  'display', 'masked', 'mask', 'partial', 'preview', 'redacted', 'obfuscated', 'truncated', 'suffix',
]);
/** Tokens other systems issue and that must be sent back as they are (OAuth, sessions): encryption, not hashing, is their remedy, and Auth.js adapters write them. */
const ISSUED_TOKENS = new Set(['access', 'refresh', 'id', 'session', 'oauth', 'push', 'fcm', 'apns', 'device', 'csrf']);
/**
 * Tokens that identify rather than authenticate: an idempotency key, a page cursor, Apple's app account
 * token (a UUID tying purchases to an account), a device's push address.
 */
const IDENTIFYING_TOKENS = new Set(['idempotency', 'cursor', 'page', 'pagination', 'continuation', 'sync', 'account', 'push', 'fcm', 'apns', 'device']);
const DEVICE_WORDS = new Set(['push', 'fcm', 'apns', 'device']);
/**
 * Tokens meant to be seen: printed as a QR code on a document, or put in a public link. A share token
 * that opens private data is a credential and stays reported: only names that say public or QR count.
 */
const PUBLIC_TOKENS = new Set(['qr', 'public', 'publishable']);
/** A WebAuthn/passkey challenge or a nonce: sent to the browser, and useless without the private key that signs it. */
const NONCE_WORDS = new Set(['challenge', 'nonce']);
/** The id of a JWT (`payload.jti`, `jwtId`, `tokenId`): a lookup key for revocation; the signed token itself is not stored. */
const JWT_ID = /^(?:jti|jwtid|tokenid)$/;
/** How far the rule follows a parameter to the callers that pass it, and their parameters to theirs. */
const MAX_CALLER_DEPTH = 3;
/** Values that are a masked copy: `getDisplaySecretKey(key)`, `\`sk_****${key.slice(-4)}\``. */
const MASKED_VALUE = /display|mask|redact|obfuscat|\*{3,}/i;
const WRITES = new Set(['create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert']);

export default defineRule<CodeRule>({
  id: 'plaintext-secret',
  appliesTo: ['typescript'],
  severity: 'warning',
  docs: {
    summary: 'Passwords, secrets and API keys written to `String` fields with no hashing or encryption in the code that writes them.',
    why: [
      'A database is copied into backups, replicas, analytics exports and laptops, and is leaked more often than any one server is breached. Passwords stored as received expose every account (and, since people reuse them, their other accounts too); API keys, reset tokens and client secrets stored as received are credentials an attacker can use straight away.',
      'Hash what you only need to compare: passwords with a slow, salted hash (`argon2`, `bcrypt`, `scrypt`), random tokens and API keys with SHA-256 (they are long and random, so a fast hash is enough), and look them up by the hash. Encrypt what you must read back (a third-party secret, a TOTP seed) with a key kept outside the database.',
      'The rule needs both the schema and the code: the schema says which fields are secrets (a `String` named like `password`, `secret`, `apiKey`, `resetToken`, and not like `passwordHash` or `encryptedSecret`), and the code shows what is written to them. It reports a `create`/`update`/`upsert` that writes such a field from a value with no sign of hashing or encryption (no `hash`, `bcrypt`, `argon2`, `scrypt`, `encrypt`, `cipher`… in the value, the `const` it comes from, or its name). OAuth and session tokens (`access_token`, `refreshToken`, `sessionToken`) must be sent back as they are and are left alone; so are tokens that identify rather than authenticate (push and device tokens, idempotency keys, page cursors, Apple\'s app account token), masked copies kept for display (`displaySecretKey`, `partialClientSecret`, a value with `****`), values that are not credentials though the column looks like one (a WebAuthn challenge or a nonce, the `jti` of a JWT written to a `token` column, a `qrToken` or `publicToken`; a `shareToken` is still reported, since it may open private data), values replaced by their hash earlier in the function (`input.password = await hash(input.password)`), a helper\'s parameter that every call in the same file passes hashed or encrypted (`saveClient({ clientSecret: encrypt(secret) })`), or, for a function other files call (a repository\'s method, an exported helper), that every call the workspace\'s summaries record passes so (a call that passes it as it is keeps the finding), or whose name says so (`encryptedSecret`, `secretHash`), and files with a Prisma Client extension that hashes on write.',
    ].join('\n\n'),
    bad: ['await prisma.user.create({', '  data: { email, password: input.password },', '});'].join('\n'),
    good: ['await prisma.user.create({', '  data: { email, password: await argon2.hash(input.password) },', '});'].join('\n'),
    fixSafety: 'No fix: hashing changes how sign-in compares passwords, and existing rows need a migration of their own.',
  },
  check(context) {
    const schema = context.schema;
    if (!schema) return [];
    // A client extension or middleware in the file that hashes on write protects every write below it.
    if (/\$extends|\$use\(/.test(context.text) && PROTECTION.test(context.text.slice(context.text.search(/\$extends|\$use\(/)))) return [];
    const findings: RuleFinding[] = [];
    const siteNodes = new Set<ts.Node>(context.querySites.map((site) => site.node));
    const skip = (call: ts.CallExpression): boolean => siteNodes.has(call);
    for (const site of context.querySites) {
      if (site.kind !== 'model' || !site.model || !WRITES.has(site.operation)) continue;
      const secrets = secretFields(site.model);
      // `MobilePushToken.token`, `DeviceToken.token`: the model says the token is a device's push address.
      if (nameWords(site.model.name).some((word) => DEVICE_WORDS.has(word))) for (const [name] of secrets) if (nameWords(name).includes('token')) secrets.delete(name);
      if (secrets.size === 0) continue;
      for (const data of dataObjects(site)) {
        for (const property of data.properties) {
          const field = secrets.get(propertyName(property) ?? '');
          if (!field) continue;
          const value = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
          if (!value || isEmpty(value) || MASKED_VALUE.test(value.getText()) || isPublicValue(value, field) || isSafe(context, skip, value, site.node)) continue;
          findings.push(findingFor(context, site, site.model, field, property, value));
        }
      }
    }
    return findings;
  },
});

/** The model's secret fields by name: `String` fields named like a password, secret or key, not like its hash. */
export function secretFields(model: Model): Map<string, Field> {
  const fields = new Map<string, Field>();
  for (const field of model.fields) {
    if (field.type !== 'String' || field.isList) continue;
    if (isSecretName(field.name)) fields.set(field.name, field);
  }
  return fields;
}

export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  if (words.some((word) => PROTECTED_WORDS.has(word) || NONCE_WORDS.has(word))) return false;
  const joined = words.join('');
  if (/password|passwd|passphrase|passcode|^pwd$/.test(joined)) return true;
  if (words.includes('secret')) return true;
  // `publicApiKey`, `publishableKey`: keys made to be shipped to browsers.
  if (/apikey|privatekey|secretkey|signingkey|webhooksecret/.test(joined)) return !words.some((word) => word === 'public' || word === 'publishable');
  if (words.includes('token')) return !words.some((word) => ISSUED_TOKENS.has(word) || IDENTIFYING_TOKENS.has(word) || PUBLIC_TOKENS.has(word));
  return false;
}

/** The object literals written: `data`, each element of `data: [...]`, and an upsert's `create` and `update`. */
function dataObjects(site: QuerySite): ts.ObjectLiteralExpression[] {
  const args = objectArgument(site.node);
  if (!args) return [];
  const objects: ts.ObjectLiteralExpression[] = [];
  for (const property of args.properties) {
    const name = propertyName(property);
    if (!ts.isPropertyAssignment(property) || !(name === 'data' || (site.operation === 'upsert' && (name === 'create' || name === 'update')))) continue;
    const value = unwrap(property.initializer);
    if (ts.isObjectLiteralExpression(value)) objects.push(value);
    else if (ts.isArrayLiteralExpression(value)) for (const element of value.elements) if (ts.isObjectLiteralExpression(unwrap(element))) objects.push(unwrap(element) as ts.ObjectLiteralExpression);
  }
  return objects;
}

/**
 * The value is hashed or encrypted: where it is written, earlier in the function, or by every caller
 * in the file that passes it in as a parameter (`saveClient({ clientSecret: encrypt(secret) })`).
 */
function isSafe(context: CodeRuleContext, skip: (call: ts.CallExpression) => boolean, value: ts.Expression, write: ts.Node, suffix: string[] = [], depth = 0): boolean {
  if (isProtected(value) || (suffix.length === 0 && protectedEarlier(value, write))) return true;
  if (depth >= MAX_CALLER_DEPTH) return false;
  const source = parameterSource(value, suffix);
  if (!source) return false;
  const passed = argumentsPassed(context.index, source, skip);
  // Other files' calls the workspace's summaries record: each must pass it hashed or encrypted too.
  const elsewhere = otherFilesPass(context, source);
  if (elsewhere?.includes(false)) return false;
  // No caller in the file: the parameter's own name can vouch for it (`encryptedSecret`, `{ secretHash: secret }`), or other files' calls that all protect it.
  if (!passed) return PROTECTION.test([source.name ?? '', ...source.path].join(' ')) || elsewhere !== undefined;
  return passed.every(({ call, value: argument, rest }) => argument !== undefined && isSafe(context, skip, argument, call, rest, depth + 1));
}

/**
 * What the calls of other files pass for the parameter (`oauthRepository.createApp({ clientSecret:
 * encrypt(secret) })` in a service, for the repository's `data.clientSecret`), as the workspace's
 * summaries record them: per call, whether it is hashed or encrypted there. Undefined when none is known.
 */
function otherFilesPass(context: CodeRuleContext, source: ParameterSource): boolean[] | undefined {
  const workspace = context.workspaceCalls;
  if (!workspace || source.index < 0 || source.path.length > 1) return undefined;
  const key = callableKey(context.sourceFile, source.fn);
  return key === undefined ? undefined : workspace.argumentProtection(context.uri, key, source.index, source.path);
}

/**
 * The value is not a credential though the field looks like one: a passkey challenge or a nonce, the
 * id of a JWT written to a `token` column, a QR or public-link token.
 */
function isPublicValue(value: ts.Expression, field: Field): boolean {
  const names = valueNames(value);
  if (names.some((words) => words.some((word) => NONCE_WORDS.has(word)))) return true;
  if (!nameWords(field.name).includes('token')) return false;
  return names.some((words) => JWT_ID.test(words.join('')) || words.some((word) => PUBLIC_TOKENS.has(word)));
}

/** The words of the names a value goes by: `payload.jti`, `jwtId`, and the name its `const` is set from. */
function valueNames(value: ts.Expression): string[][] {
  const names: string[][] = [];
  let node = unwrap(value);
  for (let depth = 0; depth < 2; depth++) {
    if (ts.isAwaitExpression(node)) node = unwrap(node.expression);
    const name = ts.isIdentifier(node) ? node.text : ts.isPropertyAccessExpression(node) ? node.name.text : undefined;
    if (!name) break;
    names.push(nameWords(name));
    const initializer = ts.isIdentifier(node) ? constInitializer(node.text, node) : undefined;
    if (!initializer) break;
    node = unwrap(initializer);
  }
  return names;
}

function isEmpty(value: ts.Expression): boolean {
  const node = unwrap(value);
  return node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined') || (ts.isStringLiteralLike(node) && node.text === '');
}

function findingFor(context: CodeRuleContext, site: QuerySite, model: Model, field: Field, property: ts.ObjectLiteralElementLike, value: ts.Expression): RuleFinding {
  const isPassword = /password|passwd|passphrase|passcode|pwd/i.test(field.name);
  return {
    uri: context.uri,
    span: spanOf(property.name!, context.sourceFile),
    message: `Anyone who reads the database can use "${model.name}.${field.name}": "${site.callee}" stores "${shortText(value, context.sourceFile)}" there as it is.`,
    help: isPassword
      ? 'Store a slow, salted hash ("argon2.hash", "bcrypt.hash") and compare with its "verify"; name the field "passwordHash".'
      : 'Store a SHA-256 hash of the value (and look it up by its hash), or encrypt it with a key kept outside the database if you must read it back.',
  };
}
