/** Marker tests for n-plus-one on loops whose query is true but idle (info): per-element work that costs more than the query, each beside its true neighbour. */
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/n-plus-one';
import { check } from '../support/fixture';
import { corpusCode as code, corpusWorkspace as workspace } from '../support/corpus-fixture';

describe('n-plus-one: a loop whose outside call per element costs more than its query', () => {
  it('reports it as info, and keeps the warning where the loop only reads a file or calls no other service', () => {
    check(rule, code(`
import { readFile } from 'node:fs/promises';
export async function notify(users: { id: number; email: string }[], invoices: { id: number }[], paths: string[]) {
  for (const user of users) {
    const posts = await prisma.post.findMany({ where: { authorId: user.id } });
                      //^^^^^^^^^^^^^^^^^^^^ info: "prisma.post.findMany" runs once per "user" of "users" (for…of); each iteration also calls "fetch(…)" outside the database.
    await fetch('https://hooks.example.com', { method: 'POST', body: JSON.stringify(posts) });
  }
  for (const invoice of invoices) {
    await stripe.invoices.sendInvoice(String(invoice.id));
    await prisma.invoice.update({ where: { id: invoice.id }, data: { sentAt: new Date() } });
        //^^^^^^^^^^^^^^^^^^^^^ info: each iteration also calls "stripe.invoices.sendInvoice(…)" outside the database
  }
  for (const user of users) {
    const posts = await prisma.post.findMany({ where: { authorId: user.id } });
                      //^^^^^^^^^^^^^^^^^^^^ warning: "prisma.post.findMany" runs once per "user" of "users" (for…of).
    console.log(user.email, posts.length);
  }
  for (const path of paths) {
    const text = await readFile(path, 'utf8');
    await prisma.post.create({ data: { title: path, content: text, authorId: 1 } });
        //^^^^^^^^^^^^^^^^^^ warning: "prisma.post.create" runs once per "path" of "paths" (for…of).
  }
}
`));
  });
  it("looks for the outside call in this file's functions the loop calls, a few calls deep", () => {
    check(rule, code(`
const queue = new Client({ token: process.env.QSTASH_TOKEN! });
async function publishAt(id: number, at: Date) {
  return queue.publishJSON({ url: 'https://app.example.com/api/run', body: { id }, notBefore: at.getTime() });
}
async function schedule(actionId: number, at: Date) {
  const row = await prisma.post.create({ data: { title: 'run ' + actionId, content: '', authorId: 1 } });
  await publishAt(row.id, at);
  return row;
}
export async function scheduleAll(items: { id: number; at: Date }[]) {
  for (const item of items) {
    await schedule(item.id, item.at);
        //^^^^^^^^ info: each iteration also calls "queue.publishJSON(…)" outside the database
  }
}
async function store(id: number, data: Buffer, large: boolean) {
  if (!data.length) throw new Error('empty upload');
  if (large) await s3.send(new PutObjectCommand({ Bucket: 'big', Key: String(id), Body: data }));
  else await storage.putObject('small', String(id), data);
  return prisma.post.update({ where: { id }, data: { content: 'stored' } });
}
export async function storeAll(files: { id: number; data: Buffer }[]) {
  for (const file of files) {
    await store(file.id, file.data, file.data.length > 1_000_000);
        //^^^^^ info: each iteration also calls "s3.send(…)" outside the database
  }
}
`));
  });

  it('keeps the warning where the helper only queries, or calls outside only on some paths', () => {
    check(rule, code(`
async function load(id: number) {
  return prisma.post.findUnique({ where: { id } });
}
async function notifyIfLate(id: number, late: boolean) {
  const post = await prisma.post.findUnique({ where: { id } });
  if (late && post) await fetch('https://hooks.example.com/late', { method: 'POST', body: String(id) });
  return post;
}
async function announce(id: number) {
  await fetch('https://hooks.example.com/new', { method: 'POST', body: String(id) });
}
export async function review(posts: { id: number; late: boolean; fresh: boolean }[]) {
  for (const post of posts) {
    await notifyIfLate(post.id, post.late);
        //^^^^^^^^^^^^ warning: "notifyIfLate(post.id, post.late)" runs "prisma.post.findUnique" once per "post" of "posts" (for…of).
  }
  for (const post of posts) {
    await prisma.post.update({ where: { id: post.id }, data: { title: 'seen' } });
        //^^^^^^^^^^^^^^^^^^ warning: "prisma.post.update" runs once per "post" of "posts" (for…of).
    if (post.fresh) await announce(post.id);
  }
  for (const post of posts) {
    await prisma.post.update({ where: { id: post.id }, data: { title: 'read' } });
        //^^^^^^^^^^^^^^^^^^ info: each iteration also calls "fetch(…)" outside the database
    if (!post.fresh) continue; // a guard, which real elements mostly pass: the call after it counts
    await announce(post.id);
  }
  for (const post of posts) {
    await syncIfBilled(post.id);
        //^^^^^^^^^^^^ warning: "syncIfBilled(post.id)" runs "prisma.post.findUnique" once per "post" of "posts" (for…of).
  }
}
async function syncIfBilled(id: number) {
  const post = await prisma.post.findUnique({ where: { id } });
  if (post?.published) await stripe.customers.update(String(id), { metadata: { post: String(id) } });
  return post;
}
async function save(id: number, title: string) {
  try {
    return await prisma.post.update({ where: { id }, data: { title } });
  } catch (error) {
    await fetch('https://hooks.example.com/errors', { method: 'POST', body: String(error) });
    throw error;
  }
}
export async function rename(posts: { id: number; title: string }[]) {
  for (const post of posts) {
    await load(post.id);
        //^^^^ warning: "load(post.id)" runs "prisma.post.findUnique" once per "post" of "posts" (for…of).
    await save(post.id, post.title);
        //^^^^ warning: "save(post.id, post.title)" runs "prisma.post.update" once per "post" of "posts" (for…of).
  }
}
`));
  });
});

describe('n-plus-one: a loop that limits its concurrency on purpose', () => {
  it('reports it as info, by the limiter its body runs through or the option of its iterating function', () => {
    check(rule, code(`
import pLimit from 'p-limit';
import pMap from 'p-map';
import PQueue from 'p-queue';
const limit = pLimit(3);
export class Copier {
  private readonly queue = new PQueue({ concurrency: 2 });
  async copy(ids: number[], names: string[]) {
    await Promise.all(ids.map((id) => limit(async () => {
      const post = await prisma.post.findUnique({ where: { id } });
                       //^^^^^^^^^^^^^^^^^^^^^^ info: the loop limits its concurrency on purpose ("pLimit")
      return post;
    })));
    await pMap(names, async (name) => prisma.tag.upsert({ where: { name }, create: { name }, update: {} }), { concurrency: 5 });
                                    //^^^^^^^^^^^^^^^^^ info: the loop limits its concurrency on purpose ("pMap(…, { concurrency })")
    await Promise.all(ids.map((id) => this.queue.add(() => prisma.comment.delete({ where: { id } }))));
                                                         //^^^^^^^^^^^^^^^^^^^^^ info: the loop limits its concurrency on purpose ("PQueue")
  }
}
`));
  });

  it('keeps the warning where the loop runs every element at once, or the limiter is not in the loop', () => {
    check(rule, code(`
import pLimit from 'p-limit';
import pMap from 'p-map';
const limit = pLimit(3);
export async function load(ids: number[], names: string[]) {
  await Promise.all(ids.map(async (id) => prisma.post.findFirst({ where: { authorId: id } })));
                                        //^^^^^^^^^^^^^^^^^^^^^ warning: runs once per "id" of "ids" (map).
  await pMap(names, async (name) => prisma.tag.findUnique({ where: { name } }));
                                  //^^^^^^^^^^^^^^^^^^^^^ warning: runs once per "name" of "names" (pMap).
  await limit(() => prisma.auditLog.create({ data: { actorId: 1, action: 'load' } }));
}
`));
  });
});

describe('n-plus-one: a query on a path that ends the turn before the outside call', () => {
  it('keeps the warning when the turns that run the query skip the outside call, and not when the call is on the same path', () => {
    check(rule, code(`
export async function moderate(items: { id: number; clean: boolean }[]) {
  for (const item of items) {
    if (item.clean) {
      await prisma.job.deleteMany({ where: { id: item.id } });
          //^^^^^^^^^^^^^^^^^^^^^ warning: (for…of).
      continue;
    }
    await fetch('https://moderation.example.com/report', { method: 'POST', body: String(item.id) });
  }
  for (const item of items) {
    if (!item.clean) {
      await fetch('https://moderation.example.com/report', { method: 'POST', body: String(item.id) });
      await prisma.job.update({ where: { id: item.id }, data: { status: 'reported' } });
          //^^^^^^^^^^^^^^^^^ info: each iteration also calls "fetch(…)" outside the database
      continue;
    }
  }
}
`));
  });
});

describe('n-plus-one: per-element work that costs about what the query costs', () => {
  it('keeps the warning where each iteration only hands a message to a queue, publishes an event, reads a cache or takes a client', () => {
    check(rule, code(`
declare const emailQueue: { add(name: string, data: unknown): Promise<void> };
declare const pubsub: { publish(topic: string, payload: unknown): Promise<void> };
declare const userCache: { fetch(ids: number[]): Promise<unknown[]> };
declare const WebhookQueue: { getInstance(): { add(name: string, data: unknown): Promise<void> } | undefined };
declare function enqueue(job: string, data: unknown): Promise<void>;
export async function fanOut(users: { id: number }[]) {
  for (const user of users) {
    await prisma.user.update({ where: { id: user.id }, data: { name: 'x' } });
        //^^^^^^^^^^^^^^^^^^ warning: (for…of).
    await emailQueue.add('welcome', { id: user.id });
  }
  for (const user of users) {
    await prisma.post.findMany({ where: { authorId: user.id } });
        //^^^^^^^^^^^^^^^^^^^^ warning: (for…of).
    await pubsub.publish('user/updated', user);
    await enqueue('sync', user);
  }
  for (const user of users) {
    await prisma.post.count({ where: { authorId: user.id } });
        //^^^^^^^^^^^^^^^^^ warning: (for…of).
    await userCache.fetch([user.id]);
    WebhookQueue.getInstance();
  }
}
`));
  });
});

describe("n-plus-one: a loop whose outside call per element is in another file's function", () => {
  it('reports it as info when the function called on every turn calls outside the database on every call, itself or through its own helpers', () => {
    check(rule, workspace(`
//- src/files/file.service.ts
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
@Injectable()
export class FileService {
  constructor(private readonly prisma: PrismaService, private readonly s3: S3) {}
  async duplicate(id: number) {
    const post = await this.prisma.post.findUnique({ where: { id } });
    await this.copyObject(String(id));
    return post;
  }
  async notify(email: string) {
    await this.s3.putObject({ Key: email, Body: '' });
  }
  async notifyMaybe(email: string, enabled: boolean) {
    if (enabled) await this.s3.putObject({ Key: email, Body: '' });
  }
  private async copyObject(key: string) {
    await this.s3.copyObject({ Key: key, CopySource: key });
  }
  async count() {
    return this.prisma.post.count();
  }
}
//- src/posts/post.service.ts
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import { FileService } from '../files/file.service';
@Injectable()
export class PostService {
  constructor(private readonly prisma: PrismaService, private readonly files: FileService) {}
  async duplicateAll(ids: number[]) {
    for (const id of ids) {
      await this.files.duplicate(id);
          //^^^^^^^^^^^^^^^^^^^^ info: "this.files.duplicate(id)" runs "this.prisma.post.findUnique" once per "id" of "ids" (for…of); each iteration also calls "this.s3.copyObject(…)" outside the database.
    }
  }
  async publishAll(users: { id: number; email: string }[]) {
    for (const user of users) {
      await this.prisma.user.update({ where: { id: user.id }, data: { name: 'x' } });
          //^^^^^^^^^^^^^^^^^^^^^^^ info: each iteration also calls "this.s3.putObject(…)" outside the database
      await this.files.notify(user.email);
    }
  }
  async publishSome(users: { id: number; email: string; enabled: boolean }[]) {
    for (const user of users) {
      await this.prisma.user.update({ where: { id: user.id }, data: { name: 'x' } });
          //^^^^^^^^^^^^^^^^^^^^^^^ warning: (for…of).
      await this.files.notifyMaybe(user.email, user.enabled);
    }
  }
}
`));
  });
});
