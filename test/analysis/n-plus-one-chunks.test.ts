/** Marker tests for n-plus-one on loops over the chunks of a list, each chunk handed whole to a helper that queries it as a set. */
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/n-plus-one';
import { check } from '../support/fixture';
import { corpusCode as code } from '../support/corpus-fixture';

describe('n-plus-one: a chunk of a list per iteration, handed to a helper', () => {
  it('stays quiet when each chunk goes whole to a function whose queries take the chunk as a set, one counter write included', () => {
    check(rule, code(`
declare function chunk<T>(items: T[], size: number): T[][];

export async function removeAll(posts: { id: number; authorId: number }[]) {
  const batches = chunk(posts, 100);
  for (const [index, batch] of batches.entries()) {
    await removeBatch(batch);
        //~~~~~~~~~~~ ok: one round of set-based queries per chunk of 100
    console.log(index);
  }
}

async function removeBatch(batch: { id: number; authorId: number }[]) {
  const ids = batch.map((post) => post.id);
  await prisma.comment.deleteMany({ where: { postId: { in: ids } } });
  await prisma.post.deleteMany({ where: { id: { in: ids } } });
  await prisma.user.update({ where: { id: batch[0]!.authorId }, data: { name: 'x' } });
}
`));
  });

  it('still reports a helper given one element of the chunk, and a chunk loop over a list that is not chunked', () => {
    check(rule, code(`
declare function chunk<T>(items: T[], size: number): T[][];

export async function removeAll(posts: { id: number; authorId: number }[], groups: { id: number }[][]) {
  for (const batch of chunk(posts, 100)) {
    for (const post of batch) {
      await removeOne(post.id);
          //^^^^^^^^^ warning: (for…of)
    }
  }
  for (const group of groups) {
    await touchFirst(group);
        //^^^^^^^^^^ warning: (for…of)
  }
}

async function removeOne(id: number) {
  await prisma.post.delete({ where: { id } });
}

async function touchFirst(group: { id: number }[]) {
  await prisma.user.update({ where: { id: group[0]!.id }, data: { name: 'x' } });
}
`));
  });
});

describe('n-plus-one: a loop that drains work a batch at a time', () => {
  it('stays quiet when a capped loop repeats the same call and stops once its result says nothing is left', () => {
    check(rule, code(`
const MAX_ITERATIONS = 20;

export async function dedupe(since: Date) {
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    const pairs = await findPairs(since, 1000);
                //~~~~~~~~~~~~~~~~~~~~~~ ok: the next thousand pairs each time, until none is left
    if (pairs.length === 0) break;
    await prisma.post.updateMany({ where: { id: { in: pairs.map((pair) => pair.id) } }, data: { title: 'x' } });
        //~~~~~~~~~~~~~~~~~~~~~~ ok: the batch as a set
  }
}

export async function removeAllOf(authorId: number) {
  for (let batch = 0; batch < 10; batch++) {
    const result = await removeSome(authorId);
                       //~~~~~~~~~~~~~~~~~~~~ ok: two hundred posts per call while more are left
    if (!result.hasMore) break;
  }
}

async function findPairs(since: Date, limit: number) {
  return prisma.post.findMany({ where: { createdAt: { gt: since } }, take: limit });
}

async function removeSome(authorId: number) {
  const posts = await prisma.post.findMany({ where: { authorId }, take: 200 });
  await prisma.user.findUnique({ where: { id: authorId } });
  await prisma.post.deleteMany({ where: { id: { in: posts.map((post) => post.id) } } });
  return { hasMore: posts.length === 200 };
}
`));
  });

  it('still reports a counted loop whose call takes the counter, or that stops on something other than the call', () => {
    check(rule, code(`
declare let stopped: boolean;

export async function fill(count: number, since: Date) {
  for (let i = 0; i < count; i++) {
    const created = await prisma.post.create({ data: { title: \`post \${i}\` } });
                        //^^^^^^^^^^^^^^^^^^ warning: (for)
    if (!created) break;
  }
  for (let i = 0; i < 10; i++) {
    const pairs = await findPairs(since);
                      //^^^^^^^^^ warning: (for)
    if (stopped) break;
    console.log(pairs.length);
  }
}

async function findPairs(since: Date) {
  return prisma.post.findMany({ where: { createdAt: { gt: since } } });
}
`));
  });
});

describe('n-plus-one: a page of rows collected by each turn and written at once', () => {
  it('stays quiet when each turn of a counted loop collects its own list and hands it whole to a bulk write', () => {
    check(rule, code(`
export async function updateThresholds(days: number, orgs: { id: string; cycleDay: number; usage: number }[]) {
  for (let day = 0; day <= days; day++) {
    const updates: { id: string; usage: number }[] = [];
    for (const org of orgs) {
      if (org.cycleDay === day) updates.push({ id: org.id, usage: org.usage });
    }
    if (updates.length > 0) {
      await bulkUpdate(updates);
          //~~~~~~~~~~ ok: one UPDATE … FROM (VALUES …) per day, over that day's organisations
    }
  }
}

async function bulkUpdate(updates: { id: string; usage: number }[]) {
  const values = updates.map((update) => \`('\${update.id}', \${update.usage})\`).join(', ');
  await prisma.$executeRawUnsafe(\`UPDATE "Organization" AS o SET usage = v.usage FROM (VALUES \${values}) AS v(id, usage) WHERE o.id = v.id\`);
}
`));
  });

  it('still reports a write per collected row, and a list collected per element of a collection', () => {
    check(rule, code(`
export async function updateEach(days: number, orgs: { id: string; cycleDay: number; usage: number }[], users: { id: number; tags: string[] }[]) {
  for (let day = 0; day <= days; day++) {
    const updates: { id: string; usage: number }[] = [];
    for (const org of orgs) if (org.cycleDay === day) updates.push({ id: org.id, usage: org.usage });
    for (const update of updates) {
      await prisma.organization.update({ where: { id: update.id }, data: { usage: update.usage } });
          //^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: (for…of)
    }
  }
  for (const user of users) {
    const rows: { name: string; userId: number }[] = [];
    for (const tag of user.tags) rows.push({ name: tag, userId: user.id });
    await prisma.tag.createMany({ data: rows });
        //^^^^^^^^^^^^^^^^^^^^^ warning: (for…of)
  }
}
`));
  });
});
