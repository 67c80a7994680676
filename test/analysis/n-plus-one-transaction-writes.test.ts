/** Marker tests for transaction-per-row-writes, the lower-severity companion of n-plus-one for `$transaction([...])` batches. */
import { describe, it } from 'node:test';
import nPlusOne from '../../server/src/analysis/rules/n-plus-one';
import rule from '../../server/src/analysis/rules/transaction-per-row-writes';
import { check, checkFix } from '../support/fixture';
import { corpusCode as code } from '../support/corpus-fixture';

describe('transaction-per-row-writes', () => {
  it('suggests createMany, deleteMany and updateMany for per-row writes in one transaction, and n-plus-one stays quiet', () => {
    check([rule, nPlusOne], code(`
await prisma.$transaction(items.map((item) => prisma.orderItem.create({ data: { orderId: order.id, productId: item.id, quantity: 1, price: item.price } })));
                                            //^^^^^^^^^^^^^^^^^^^^^^^ info: N statements where one "createMany" would do: "prisma.orderItem.create" runs once per "item" of "items" in one "$transaction".
await prisma.$transaction([
  ...staleIds.map((id) => prisma.notification.delete({ where: { id } })),
                        //^^^^^^^^^^^^^^^^^^^^^^^^^^ info: one "deleteMany" would do
  prisma.auditLog.create({ data: { actorId, action: 'cleanup' } }),
]);
const ops = [];
for (const task of tasks) ops.push(tx.task.update({ where: { id: task.id }, data: { status: 'archived' } }));
                                 //^^^^^^^^^^^^^^ info: one "updateMany" would do
await prisma.$transaction(ops);
`));
  });

  it('stays quiet when each row gets its own data, for upserts and for nested writes', () => {
    check([rule, nPlusOne], code(`
await prisma.$transaction(items.map((item) => prisma.product.update({ where: { id: item.id }, data: { stock: item.stock } })));
await prisma.$transaction(rows.map((row) => prisma.product.upsert({ where: { sku: row.sku }, create: row, update: row })));
await prisma.$transaction(carts.map((cart) => prisma.order.create({ data: { userId: cart.userId, items: { create: cart.items } } })));
`));
  });

  it('stays quiet when the data is a variable built for each element in the loop body, and flags the same change for every element', () => {
    check([rule, nPlusOne], code(`
const updates = [];
for (const { id, metrics } of newMetrics) {
  const updateData = { stock: metrics.count };
  if (metrics.done) updateData.status = 'archived';
  updates.push(prisma.product.update({ where: { id }, data: updateData }));
}
await prisma.$transaction(updates);
const archive = { status: 'archived' };
const ops = [];
for (const task of tasks) ops.push(tx.task.update({ where: { id: task.id }, data: archive }));
                                 //^^^^^^^^^^^^^^ info: one "updateMany" would do
await prisma.$transaction(ops);
`));
  });

  it('stays quiet when a reorder gives each row its own position, from the index, a counter or the element', () => {
    check([rule, nPlusOne], code(`
await prisma.$transaction(columns.map((column, index) => prisma.task.update({ where: { id: column.id }, data: { status: column.status, version: index } })));
await prisma.$transaction(taskIds.map((id, index) => prisma.task.update({ where: { id }, data: { version: index + 1 } })));
await prisma.$transaction(taskIds.map((id) => prisma.task.update({ where: { id }, data: { version: taskIds.indexOf(id) } })));
const moves = [];
for (let slot = 0; slot < taskIds.length; slot++) moves.push(prisma.task.update({ where: { id: taskIds[slot] }, data: { version: slot } }));
await prisma.$transaction(moves);
const renumber = [];
let rank = 0;
for (const task of sorted) renumber.push(prisma.task.update({ where: { id: task.id }, data: { version: rank++ } }));
await prisma.$transaction(renumber);
const shifts = [];
for (const [slot, id] of taskIds.entries()) shifts.push(prisma.task.update({ where: { id }, data: { version: slot } }));
await prisma.$transaction(shifts);
`));
  });

  it('still flags a reorder loop that gives every row the same value, and one that opens a transaction per row (as n-plus-one)', () => {
    check([rule, nPlusOne], code(`
for (const [index, task] of sorted.entries()) {
  await prisma.$transaction(async (tx) => { await tx.task.update({ where: { id: task.id }, data: { version: index } }); });
                                                //^^^^^^^^^^^^^^ warning: N writes, one round trip each: "tx.task.update" runs once per element
}
await prisma.$transaction(taskIds.map((id, index) => prisma.task.update({ where: { id }, data: { version: 0 } })));
                                                   //^^^^^^^^^^^^^^^^^^ info: one "updateMany" would do
const resets = [];
let rank = 0;
for (const task of sorted) resets.push(prisma.task.update({ where: { id: task.id }, data: { version: rank } }));
                                     //^^^^^^^^^^^^^^^^^^ info: one "updateMany" would do
await prisma.$transaction(resets);
`));
  });

  it('stays quiet for nested writes, named by keyword or by a relation field of the model, and flags the flat write beside them', () => {
    check([rule, nPlusOne], code(`
await prisma.$transaction(orders.map((order) => prisma.order.update({ where: { id: order.id }, data: { items: { deleteMany: {} } } })));
await prisma.$transaction(tasks.map((task) => prisma.task.update({ where: { id: task.id }, data: { assignee: { disconnect: true } } })));
await prisma.$transaction(tasks.map((task) => prisma.task.update({ where: { id: task.id }, data: { project: projectLink } })));
await prisma.$transaction(drafts.map((draft) => prisma.order.create({ data: { userId: draft.userId, items: draftLines } })));
await prisma.$transaction(tasks.map((task) => prisma.task.update({ where: { id: task.id }, data: { status: 'done' } })));
                                            //^^^^^^^^^^^^^^^^^^ info: one "updateMany" would do
await prisma.$transaction(drafts.map((draft) => prisma.order.create({ data: { userId: draft.userId } })));
                                              //^^^^^^^^^^^^^^^^^^^ info: one "createMany" would do
`));
  });

  it('replaces the transaction with one createMany when its result is not used', () => {
    checkFix(
      rule,
      code(`
await prisma.$transaction(tags.map((name) => prisma.tag.create({ data: { name } })));
`),
      `
await prisma.tag.createMany({ data: tags.map((name) => ({ name })) });
`,
    );
  });
});
