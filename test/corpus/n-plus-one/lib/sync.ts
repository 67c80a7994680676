// @ts-nocheck
// lib/sync/shopify.ts: keeps the catalog in step with an external store.
import Bluebird from 'bluebird';
import { withRetry } from './retry';
import { xprisma } from './extended-client';
import { fetchRemoteProducts, fetchRemoteStock } from './shopify-api';

export async function syncProducts() {
  const remote = await fetchRemoteProducts();
  for (const product of remote) {
    await withRetry(() =>
      xprisma.product.upsert({
    //^^^^^^^^^^^^^^^^^^^^^^ warning: xprisma.product.upsert
        where: { sku: product.sku },
        create: { sku: product.sku, name: product.title, price: product.price, stock: 0, categoryId: 1 },
        update: { name: product.title, price: product.price },
      }),
    );
  }
}

export async function syncStock() {
  const levels = await fetchRemoteStock();
  // One round trip: all updates go in one transaction.
  await xprisma.$transaction(levels.map((level) => xprisma.product.update({ where: { sku: level.sku }, data: { stock: level.available } })));
                                                 //~~~~~~~~~~~~~~~~~~~~~~ ok: collected into one $transaction
  const updates = [];
  for (const level of levels.filter((l) => l.discontinued)) {
    updates.push(xprisma.product.update({ where: { sku: level.sku }, data: { stock: 0 } }));
               //~~~~~~~~~~~~~~~~~~~~~~ ok: collected into one $transaction
  }
  await xprisma.$transaction(updates);
}

export async function syncCategories(remote: { name: string; parent?: string }[]) {
  await Bluebird.map(
    remote,
    async (category) => {
      const parent = category.parent ? await xprisma.category.findFirst({ where: { name: category.parent } }) : null;
                                           //^^^^^^^^^^^^^^^^^^^^^^^^^^ info: xprisma.category.findFirst
      await xprisma.category.create({ data: { name: category.name, parentId: parent?.id } });
          //^^^^^^^^^^^^^^^^^^^^^^^ info: xprisma.category.create
    },
    { concurrency: 2 },
  );
}

export async function pruneProducts(keepSkus: string[]) {
  const stale = await xprisma.product.findMany({ where: { sku: { notIn: keepSkus } }, select: { id: true } });
                    //~~~~~~~~~~~~~~~~~~~~~~~~ ok: one query
  const staleIds = stale.map((product) => product.id);
  await xprisma.orderItem.deleteMany({ where: { productId: { in: staleIds } } });
      //~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one statement
  return xprisma.product.deleteMany({ where: { id: { in: staleIds } } });
       //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one statement
}

export async function categoryPaths(leafIds: number[]) {
  const paths: string[][] = [];
  for (const leafId of leafIds) {
    const path: string[] = [];
    let current = await xprisma.category.findUnique({ where: { id: leafId } });
                      //^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: xprisma.category.findUnique
    while (current) {
      path.unshift(current.name);
      current = current.parentId ? await xprisma.category.findUnique({ where: { id: current.parentId } }) : null;
                                       //^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: xprisma.category.findUnique
    }
    paths.push(path);
  }
  return paths;
}
