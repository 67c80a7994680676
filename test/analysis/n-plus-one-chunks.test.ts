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
