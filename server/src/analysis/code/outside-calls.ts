/**
 * Calls that reach outside the database (HTTP, files, object storage, queues, payments, mail) and
 * calls that go to it, by the names code gives them. `missing-transaction` reads them to tell work a
 * transaction cannot wrap; `n-plus-one` to tell a loop whose outside call per element costs more
 * than its query.
 */
import ts = require('typescript');
import { isClientExpression } from './clients';
import type { CodeRuleContext } from './context';
import { resolveLocalCall } from './local-functions';
import { isWithin, terminalName, unwrap } from './syntax';

/** Calls that reach outside the database: HTTP, files, object storage, queues, payments, mail. */
const OUTSIDE_CALLS =
  /^(?:fetch|\$fetch|ofetch|writeFile|writeFileSync|appendFile|appendFileSync|rename|unlink|rm|mkdir|copyFile|putObject|deleteObject|upload\w*|\w+Upload|\w+To(?:S3|Bucket|Storage|Cdn)|(?:create|save|store|put|write)File|sendMail|sendEmail|sendSms|sendWebhook|publish|publishJSON|publishMessage|enqueue)$/;
const OUTSIDE_RECEIVERS =
  /^(?:axios|got|ky|superagent|undici|fs|fsp|fsPromises|promises|s3|s3Client|storage|bucket|minio|cloudinary|stripe|paypal|resend|sendgrid|sgMail|mailer|transporter|postmark|mailgun|twilio|httpClient|http|https|openai|anthropic|sqs|sns|pubsub|kafka|producer|pusher)$/i;
/** `paymentsApi`, `emailQueue`, `openaiClient`, `uploadBucket`: names that hold a client of another service. */
const OUTSIDE_RECEIVER_SUFFIX = /[a-z](?:Api|Sdk|Queue|Bucket|Storage|Mailer|Producer|Publisher|Gateway|Client)$/;
/** Calls that only read (`fs.readFile`, `fs.stat`): nothing to undo. */
const READ_ONLY = /^(?:read\w*|stat|lstat|exists\w*|access|readdir|realpath)$/;
/** Receivers that hold database access of their own: `usersRepository`, `this.orderRepo`, `userDao`. */
const DATABASE_RECEIVER = /(?:repository|repo|dao)$/i;

/** A call outside the database: an HTTP request, a file write, object storage, a queue, a payment or mail service. */
export function isOutsideCall(context: CodeRuleContext, call: ts.CallExpression): boolean {
  if (isDatabaseCall(context, call)) return false;
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) return OUTSIDE_CALLS.test(callee.text);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  if (OUTSIDE_CALLS.test(callee.name.text)) return true;
  if (READ_ONLY.test(callee.name.text)) return false;
  for (let receiver: ts.Expression = unwrap(callee.expression); ; receiver = unwrap(receiver.expression)) {
    const name = terminalName(receiver);
    if (name && (OUTSIDE_RECEIVERS.test(name) || OUTSIDE_RECEIVER_SUFFIX.test(name))) return true;
    if (!ts.isPropertyAccessExpression(receiver)) return false;
  }
}

/** A Prisma query, a call on a client (`prisma.$connect()`), a repository's method, or a function of this file that runs a query. */
export function isDatabaseCall(context: CodeRuleContext, call: ts.CallExpression): boolean {
  if (context.querySites.some((site) => site.node === call)) return true;
  const callee = unwrap(call.expression);
  for (let receiver = callee; ts.isPropertyAccessExpression(receiver); receiver = unwrap(receiver.expression)) {
    if (isClientExpression(context.index, receiver.expression) || DATABASE_RECEIVER.test(terminalName(receiver.expression) ?? '')) return true;
  }
  const local = resolveLocalCall(context.index, call);
  return local !== undefined && local.targets.some((target) => context.querySites.some((site) => isWithin(site.node, target)));
}
