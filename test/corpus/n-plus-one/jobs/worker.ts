// @ts-nocheck
// jobs/worker.ts: a job queue stored in Postgres, drained by a polling worker.
import { PrismaClient, Prisma } from '@prisma/client';

const db = new PrismaClient();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Handler = (payload: Prisma.JsonValue, tx: Prisma.TransactionClient) => Promise<void>;

const handlers: Record<string, Handler> = {
  'welcome-email': async (payload, tx) => {
    await tx.notification.create({ data: { userId: (payload as { userId: number }).userId, kind: 'welcome' } });
        //~~~~~~~~~~~~~~~~~~~~~~ ok: one insert per job handled
  },
  'recount-views': async (payload, tx) => {
    const { postIds } = payload as { postIds: number[] };
    for (const postId of postIds) {
      const views = await tx.comment.count({ where: { postId } });
                        //^^^^^^^^^^^^^^^^ warning: tx.comment.count
      await tx.post.update({ where: { id: postId }, data: { views } });
          //^^^^^^^^^^^^^^ warning: tx.post.update
    }
  },
};

export async function runWorker(signal: AbortSignal) {
  while (!signal.aborted) {
    const job = await db.job.findFirst({ where: { status: 'queued', runAt: { lte: new Date() } }, orderBy: { runAt: 'asc' } });
                    //~~~~~~~~~~~~~~~~ ok: polling loop, one job per turn
    if (!job) {
      await sleep(1000);
      continue;
    }
    const claimed = await db.job.updateMany({ where: { id: job.id, status: 'queued' }, data: { status: 'running', lockedAt: new Date() } });
                        //~~~~~~~~~~~~~~~~~ ok: polling loop, claims the job
    if (claimed.count === 0) continue;
    try {
      await db.$transaction((tx) => handlers[job.type](job.payload, tx));
      await db.job.update({ where: { id: job.id }, data: { status: 'done' } });
          //~~~~~~~~~~~~~ ok: polling loop
    } catch {
      await db.job.update({ where: { id: job.id }, data: { status: 'queued', attempts: { increment: 1 } } });
          //~~~~~~~~~~~~~ ok: polling loop
    }
  }
}

export async function waitForJob(id: number) {
  let job = await db.job.findUniqueOrThrow({ where: { id } });
                //~~~~~~~~~~~~~~~~~~~~~~~~ ok: before the loop
  while (job.status === 'queued' || job.status === 'running') {
    await sleep(500);
    job = await db.job.findUniqueOrThrow({ where: { id } });
              //~~~~~~~~~~~~~~~~~~~~~~~~ ok: polling one job
  }
  return job;
}

export async function requeueFailed(jobIds: number[]) {
  jobIds.forEach((id) => {
    db.job.update({ where: { id }, data: { status: 'queued', attempts: 0 } }).then(() => console.log('requeued', id));
  //^^^^^^^^^^^^^ warning: db.job.update
  });
}

export async function retryFailed() {
  const failed = await db.job.findMany({ where: { status: 'failed' } });
  for (const job of failed) {
    db.job
      .findUnique({ where: { id: job.id } })
     //~~~~~~~~~~ ok: findUnique calls issued in one tick, batched by the dataloader
      .then((fresh) => fresh && db.job.update({ where: { id: fresh.id }, data: { status: 'queued' } }));
                              //^^^^^^^^^^^^^ warning: db.job.update
  }
}
