/**
 * Whether code hashes or encrypts a value before it is stored: a sign of it in the value, in the
 * `const` it comes from or its name, or the same variable replaced by its hash earlier in the
 * function. `plaintext-secret` asks it of the values written; the workspace's summaries ask it of
 * the arguments one file passes to another's functions.
 */
import ts = require('typescript');
import { unwrap } from '../code/syntax';
import { constInitializer, declarationOf, enclosingFunction } from './code-scope';

/** Code that hashes or encrypts: `bcrypt.hash`, `argon2.hash`, `scrypt`, `createHash`, `encrypt(…)`, `hashedPassword`. */
export const PROTECTION = /hash|bcrypt|argon|scrypt|pbkdf|encrypt|cipher|digest|hmac|\bseal|kms|vault/i;

/** A sign of hashing or encryption in the value, in the `const` it comes from, or in its name. */
export function isProtected(value: ts.Expression, depth = 0): boolean {
  const node = unwrap(value);
  if (PROTECTION.test(node.getText())) return true;
  if (ts.isIdentifier(node) && depth < 2) {
    const initializer = constInitializer(node.text, node);
    if (initializer) return isProtected(initializer, depth + 1);
    const declaration = declarationOf(node.text, node);
    // `let hashed; hashed = await bcrypt.hash(…)`: any protected assignment in the function counts.
    if (declaration && ts.isVariableDeclaration(declaration)) return mentionsProtection(declaration.parent.parent.parent);
  }
  if (ts.isAwaitExpression(node)) return isProtected(node.expression, depth);
  return false;
}

/**
 * Earlier in the function the same variable or property was replaced by its hash:
 * `input.password = await hash(input.password)` before `data: { password: input.password }`.
 */
export function protectedEarlier(value: ts.Expression, write: ts.Node): boolean {
  const target = unwrap(value);
  if (!ts.isIdentifier(target) && !ts.isPropertyAccessExpression(target)) return false;
  const fn = enclosingFunction(write);
  if (!fn?.body || !mentionsProtection(fn.body)) return false;
  const at = protectingAssignments(fn.body).get(target.getText());
  return at !== undefined && at < write.getStart();
}

const assignments = new WeakMap<ts.Node, Map<string, number>>();

/** Per function body, what is set to a hash or a cipher (`input.password = await hash(…)`), by its text, at the first such assignment: read once per body. */
function protectingAssignments(body: ts.Node): Map<string, number> {
  let found = assignments.get(body);
  if (found) return found;
  const map = new Map<string, number>();
  const walk = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && PROTECTION.test(node.right.getText())) {
      const text = unwrap(node.left).getText();
      if (!map.has(text)) map.set(text, node.getStart());
    }
    ts.forEachChild(node, walk);
  };
  walk(body);
  assignments.set(body, (found = map));
  return found;
}

const mentioning = new WeakMap<ts.Node, boolean>();

/** Whether a function's body names hashing or encryption anywhere, read once per body: most do not, and need no walk. */
function mentionsProtection(body: ts.Node): boolean {
  let known = mentioning.get(body);
  if (known === undefined) {
    known = PROTECTION.test(body.getText());
    mentioning.set(body, known);
  }
  return known;
}
