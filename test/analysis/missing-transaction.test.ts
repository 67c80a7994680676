/** Marker tests for missing-transaction: dependent writes outside $transaction, and independent or transactional ones. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/missing-transaction';
import { check } from '../support/fixture';

describe('missing-transaction', () => {
  it('flags a write that uses an earlier write, and transfers between rows', () => {
    check(rule, `
//- src/orders.ts
export async function placeOrder(userId: number, items: Item[]) {
  const order = await prisma.order.create({ data: { userId } });
  await prisma.orderItem.createMany({ data: items.map((item) => ({ ...item, orderId: order.id })) });
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: If "prisma.orderItem.createMany" fails, the data is left half-changed: it uses "order", the result of "prisma.order.create" outside a transaction.
  await prisma.user.update({ where: { id: userId }, data: { lastOrderId: order.id } });
//      ^^^^^^^^^^^^^^^^^^ warning: If "prisma.user.update" fails, the data is left half-changed: it uses "order"
}
export async function transfer(from: number, to: number, amount: number) {
  await prisma.account.update({ where: { id: from }, data: { balance: { decrement: amount } } });
  await prisma.account.update({ where: { id: to }, data: { balance: { increment: amount } } });
//      ^^^^^^^^^^^^^^^^^^^^^ warning: moves "balance" together with "prisma.account.update"
}
async function signUp(email: string) {
  const user = await db.user.create({ data: { email } });
  const team = await db.team.create({ data: { ownerId: user.id } });
//                   ^^^^^^^^^^^^^^ warning: uses "user"
  await db.membership.create({ data: { teamId: team.id, userId: user.id } });
//      ^^^^^^^^^^^^^^^^^^^^ warning: If "db.membership.create" fails, the data is left half-changed: it uses
}
const archive = async (id: number) => {
  const copy = await prisma.archivedPost.create({ data: { id } });
  await prisma.post.delete({ where: { id: copy.id } });
//      ^^^^^^^^^^^^^^^^^^ warning: If "prisma.post.delete" fails, the data is left half-changed: it uses "copy"
};
`);
  });

  it('leaves alone transactions, transaction clients, independent writes, reads and nested writes', () => {
    check(rule, `
//- src/orders.ts
export async function placeOrder(userId: number, items: Item[]) {
  await prisma.$transaction(async (tx) => {
    const order = await tx.order.create({ data: { userId } });
    await tx.orderItem.createMany({ data: items.map((item) => ({ ...item, orderId: order.id })) });
  });
  await prisma.order.create({ data: { userId, items: { create: items } } });
}
async function withTx(tx: Prisma.TransactionClient, userId: number) {
  const order = await tx.order.create({ data: { userId } });
  await tx.audit.create({ data: { orderId: order.id } });
}
async function touch(userId: number) {
  await prisma.user.update({ where: { id: userId }, data: { seenAt: new Date() } });
  await prisma.audit.create({ data: { userId, kind: 'seen' } });
}
async function readThenWrite(userId: number) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  await prisma.audit.create({ data: { userId: user.id } });
}
async function counters(id: number) {
  await prisma.post.update({ where: { id }, data: { views: { increment: 1 } } });
  await prisma.user.update({ where: { id }, data: { views: { increment: 1 } } });
}
async function openStore(ownerId: number) {
  const store = await prisma.store.create({ data: { ownerId } });
  await prisma.auditLog.create({ data: { subject: \`store:\${store.id}\` } });
  await prisma.userEvent.create({ data: { storeId: store.id } });
}
async function split(userId: number) {
  const order = await prisma.order.create({ data: { userId } });
  return order;
}
async function other(order: { id: number }) {
  await prisma.orderItem.deleteMany({ where: { orderId: order.id } });
}
`);
  });

  it('says when an HTTP call or a file write between the writes is something no transaction can undo', () => {
    const findings = check(rule, `
//- src/payouts.ts
export async function payout(partnerId: number, amount: number) {
  const payout = await prisma.payout.create({ data: { partnerId, amount } });
  const transfer = await fetch('https://api.example.com/transfers', { method: 'POST', body: JSON.stringify({ amount }) });
  await prisma.partner.update({ where: { id: partnerId }, data: { lastPayoutId: payout.id } });
//      ^^^^^^^^^^^^^^^^^^^^^ warning: If "prisma.partner.update" fails, the data is left half-changed: it uses "payout", the result of "prisma.payout.create" with "fetch(…)" between them.
}
export async function saveAvatar(userId: number, bytes: Buffer) {
  const file = await prisma.file.create({ data: { userId } });
  await fs.promises.writeFile(\`/data/avatars/\${userId}.png\`, bytes);
  await prisma.user.update({ where: { id: userId }, data: { avatarId: file.id } });
//      ^^^^^^^^^^^^^^^^^^ warning: with "fs.promises.writeFile(…)" between them
}
export async function rename(userId: number, name: string) {
  const user = await prisma.user.update({ where: { id: userId }, data: { name } });
  await prisma.team.update({ where: { ownerId: user.id }, data: { name } });
//      ^^^^^^^^^^^^^^^^^^ warning: If "prisma.team.update" fails, the data is left half-changed: it uses "user", the result of "prisma.user.update" outside a transaction.
  await fetch('https://hooks.example.com/renamed');
}
`);
    assert.match(findings[0]!.help, /^No transaction can undo "fetch\(…\)": .*compensating step/);
    assert.match(findings[2]!.help, /prisma\.\$transaction/);
  });

  it('leaves alone a row marked pending before outside work and marked done or failed after it', () => {
    check(rule, `
//- src/render.ts
export async function render(videoId: number) {
  const job = await prisma.renderJob.create({ data: { videoId, status: 'PENDING' } });
  const output = await renderer.start({ videoId });
  await prisma.renderJob.update({ where: { id: job.id }, data: { status: 'DONE', url: output.url } });
}
export async function charge(invoiceId: number, amount: number) {
  const invoice = await prisma.invoice.update({ where: { id: invoiceId }, data: { paymentState: 'processing' } });
  try {
    const payment = await payments.charges.create({ amount });
    await prisma.invoice.update({ where: { id: invoice.id }, data: { paymentState: 'paid', reference: payment.id } });
  } catch (error) {
    await prisma.invoice.update({ where: { id: invoice.id }, data: { failureReason: String(error) } });
  }
}
export async function announce(postId: number) {
  const post = await prisma.post.update({ where: { id: postId }, data: { status: 'publishing' } });
  await broker.publish('posts', { postId });
  await prisma.post.update({ where: { id: post.id }, data: { status: 'published', publishedAt: new Date() } });
}
export async function duplicate(sourceId: number) {
  const copy = await prisma.copyJob.create({ data: { sourceId, status: 'pending' } });
  const copies = [search.duplicateDocument(sourceId), storage.duplicateFile(sourceId)];
  await Promise.all(copies);
  await prisma.copyJob.update({ where: { id: copy.id }, data: { status: 'finish' } });
}
`);
  });

  it('still flags a pending row finished after awaiting a list of queries', () => {
    check(rule, `
//- src/copies.ts
export async function duplicate(sourceId: number) {
  const copy = await prisma.copyJob.create({ data: { sourceId, status: 'pending' } });
  const writes = [prisma.file.create({ data: { sourceId } }), prisma.tag.create({ data: { sourceId } })];
  await Promise.all(writes);
  await prisma.copyJob.update({ where: { id: copy.id }, data: { status: 'finish' } });
//      ^^^^^^^^^^^^^^^^^^^^^ warning: it uses "copy"
}
`);
  });

  it('still flags a pending row finished with no outside work between, or followed by a write to another row', () => {
    check(rule, `
//- src/render.ts
export async function render(videoId: number) {
  const job = await prisma.renderJob.create({ data: { videoId, status: 'PENDING' } });
  await prisma.renderJob.update({ where: { id: job.id }, data: { status: 'QUEUED' } });
//      ^^^^^^^^^^^^^^^^^^^^^^^ warning: it uses "job", the result of "prisma.renderJob.create" outside a transaction.
}
export async function notify(videoId: number) {
  const job = await prisma.renderJob.create({ data: { videoId, status: 'PENDING' } });
  await emailQueue.add('render', { videoId });
  await prisma.video.update({ where: { id: videoId }, data: { lastJobId: job.id } });
//      ^^^^^^^^^^^^^^^^^^^ warning: with "emailQueue.add(…)" between them.
}
`);
  });

  it('leaves alone a write in a catch clause: it runs because the try block failed', () => {
    check(rule, `
//- src/orders.ts
export async function placeOrder(userId: number, items: Item[]) {
  const order = await prisma.order.create({ data: { userId } });
  try {
    await prisma.orderItem.createMany({ data: items.map((item) => ({ ...item, orderId: order.id })) });
//        ^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: it uses "order", the result of "prisma.order.create"
  } catch (error) {
    await prisma.order.delete({ where: { id: order.id } });
    throw error;
  }
}
export async function sync(accountId: number) {
  const run = await prisma.syncRun.create({ data: { accountId } });
  try {
    await remote.pull(accountId);
  } catch (error) {
    const failure = await prisma.syncFailure.create({ data: { runId: run.id, message: String(error) } });
    await prisma.account.update({ where: { id: accountId }, data: { lastFailureId: failure.id } });
//        ^^^^^^^^^^^^^^^^^^^^^ warning: it uses "failure", the result of "prisma.syncFailure.create"
  }
}
`);
  });

  it('leaves alone writes in branches that never both run', () => {
    check(rule, `
//- src/tags.ts
export async function handler(req: Request, res: Response) {
  const { name } = req.body;
  if (req.method === 'POST') {
    const tag = await prisma.tag.create({ data: { name } });
    res.json(tag);
  } else if (req.method === 'DELETE') {
    const tag = await prisma.tag.findUniqueOrThrow({ where: { name } });
    await prisma.postTag.deleteMany({ where: { tagId: tag.id } });
  }
}
export async function route(action: string, name: string) {
  switch (action) {
    case 'create': {
      const tag = await prisma.tag.create({ data: { name } });
      return tag;
    }
    case 'clear': {
      const tag = await prisma.tag.findUniqueOrThrow({ where: { name } });
      await prisma.postTag.deleteMany({ where: { tagId: tag.id } });
      break;
    }
  }
}
export async function earlyReturn(method: string, name: string) {
  if (method === 'POST') {
    const tag = await prisma.tag.create({ data: { name } });
    return tag;
  }
  const tag = await prisma.tag.findUniqueOrThrow({ where: { name } });
  await prisma.postTag.deleteMany({ where: { tagId: tag.id } });
}
`);
  });

  it('leaves alone a write that reads another variable of the same name as an earlier write\'s result', () => {
    check(rule, `
//- src/schedules.ts
export async function sync(existing: { id: number; name: string }[], names: string[]) {
  const created: { id: number }[] = [];
  for (const name of names) {
    if (!existing.some((tag) => tag.name === name)) {
      const instance = await prisma.tag.create({ data: { name } });
      created.push(instance);
    }
  }
  for (const instance of existing.filter((tag) => !names.includes(tag.name))) {
    await prisma.tag.delete({ where: { id: instance.id } });
//        ~~~~~~~~~~~~~~~~ ok: the loop's own "instance", not the created one
  }
}
`);
  });

  it('still flags writes of one branch, of a case that falls through, or after a branch that does not leave', () => {
    check(rule, `
//- src/tags.ts
export async function handler(method: string, name: string) {
  if (method === 'POST') {
    const tag = await prisma.tag.create({ data: { name } });
    await prisma.postTag.create({ data: { tagId: tag.id } });
//        ^^^^^^^^^^^^^^^^^^^^^ warning: it uses "tag"
  }
}
export async function route(action: string, name: string) {
  switch (action) {
    case 'archive':
      const copy = await prisma.archivedTag.create({ data: { name } });
    case 'delete':
      await prisma.tag.delete({ where: { name: copy.name } });
//          ^^^^^^^^^^^^^^^^^ warning: it uses "copy"
      break;
  }
}
export async function noReturn(method: string, id: number, amount: number) {
  if (method === 'POST') {
    await prisma.account.update({ where: { id }, data: { balance: { decrement: amount } } });
    console.log(id);
  }
  await prisma.account.update({ where: { id: id + 1 }, data: { balance: { increment: amount } } });
//      ^^^^^^^^^^^^^^^^^^^^^ warning: moves "balance" together with
}
`);
  });

  it('leaves alone a best-effort follow-up write whose failure is caught and only logged', () => {
    check(rule, `
//- src/signup.ts
export async function signUp(email: string, code: string) {
  const user = await prisma.user.create({ data: { email } });
  await prisma.referral.update({ where: { code }, data: { usedById: user.id } }).catch((error) => logger.warn(error));
  try {
    await prisma.invite.update({ where: { email }, data: { acceptedById: user.id } });
  } catch (error) {
    console.error('could not mark the invite accepted', error);
  }
  await prisma.profile.create({ data: { userId: user.id } }).catch(() => {});
  return user;
}
`);
  });

  it('still flags a follow-up write whose failure is rethrown, or a try around both writes', () => {
    check(rule, `
//- src/signup.ts
export async function signUp(email: string, code: string) {
  const user = await prisma.user.create({ data: { email } });
  await prisma.referral.update({ where: { code }, data: { usedById: user.id } }).catch((error) => {
//      ^^^^^^^^^^^^^^^^^^^^^^ warning: it uses "user"
    logger.warn(error);
    throw error;
  });
  try {
    await prisma.invite.update({ where: { email }, data: { acceptedById: user.id } });
//        ^^^^^^^^^^^^^^^^^^^^ warning: it uses "user"
  } catch (error) {
    console.error(error);
    throw new Error('sign-up failed');
  }
}
export async function both(email: string) {
  try {
    const user = await prisma.user.create({ data: { email } });
    await prisma.profile.create({ data: { userId: user.id } });
//        ^^^^^^^^^^^^^^^^^^^^^ warning: it uses "user"
  } catch (error) {
    console.error(error);
  }
}
`);
  });

  it('leaves alone a file or an upload between the writes that needs the id of the new row', () => {
    check(rule, `
//- src/files.ts
export async function saveAvatar(userId: number, bytes: Buffer) {
  const file = await prisma.file.create({ data: { userId } });
  await fs.promises.writeFile(\`/data/\${file.id}\`, bytes);
  await prisma.user.update({ where: { id: userId }, data: { avatarId: file.id } });
}
export async function attach(postId: number, body: Buffer) {
  const attachment = await prisma.attachment.create({ data: { postId } });
  const key = await uploadToBucket(\`attachments/\${attachment.id}\`, body);
  await prisma.attachment.update({ where: { id: attachment.id }, data: { key } });
}
export async function exportReport(ownerId: number, csv: string) {
  const report = await prisma.report.create({ data: { ownerId } });
  await createFile(path.join(reportsDir, String(report.id)), csv);
  await prisma.user.update({ where: { id: ownerId }, data: { lastReportId: report.id } });
}
`);
  });

  it('still flags a write after a local helper that runs a query, named like a file helper', () => {
    check(rule, `
//- src/files.ts
async function createFile(ownerId: number, name: string) {
  return prisma.storedFile.create({ data: { ownerId, name } });
}
export async function exportReport(ownerId: number) {
  const report = await prisma.report.create({ data: { ownerId } });
  await createFile(ownerId, String(report.id));
  await prisma.user.update({ where: { id: ownerId }, data: { lastReportId: report.id } });
//      ^^^^^^^^^^^^^^^^^^ warning: it uses "report", the result of "prisma.report.create" outside a transaction.
}
`);
  });
});
