// @ts-nocheck
// server/api/routers/project.ts (create-t3-app style): ctx.db is the Prisma client.
import { z } from 'zod';
import { createTRPCRouter, protectedProcedure } from '~/server/api/trpc';

export const projectRouter = createTRPCRouter({
  list: protectedProcedure.input(z.object({ orgId: z.number() })).query(async ({ ctx, input }) => {
    const projects = await ctx.db.project.findMany({ where: { orgId: input.orgId } });
    return Promise.all(
      projects.map(async (project) => ({
        ...project,
        taskCount: await ctx.db.task.count({ where: { projectId: project.id } }),
                       //^^^^^^^^^^^^^^^^^ warning: ctx.db.task.count
        assignees: await ctx.db.user.findMany({ where: { tasks: { some: { projectId: project.id } } } }),
                       //^^^^^^^^^^^^^^^^^^^^ warning: ctx.db.user.findMany
      })),
    );
  }),

  byIds: protectedProcedure.input(z.object({ ids: z.array(z.number()) })).query(({ ctx, input }) =>
    Promise.all(input.ids.map((id) => ctx.db.project.findUnique({ where: { id } }))),
                                    //~~~~~~~~~~~~~~~~~~~~~~~~~ ok: findUnique batched by the dataloader
  ),

  move: protectedProcedure
    .input(z.object({ taskIds: z.array(z.number()), projectId: z.number() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.db.$transaction(async (tx) => {
        for (const taskId of input.taskIds) {
          const task = await tx.task.findUniqueOrThrow({ where: { id: taskId } });
                           //^^^^^^^^^^^^^^^^^^^^^^^^^ warning: tx.task.findUniqueOrThrow
          await tx.task.update({ where: { id: task.id }, data: { projectId: input.projectId, version: task.version + 1 } });
              //^^^^^^^^^^^^^^ warning: tx.task.update
        }
      });
    }),

  rename: protectedProcedure.input(z.object({ id: z.number(), name: z.string() })).mutation(async ({ ctx, input }) => {
    // Optimistic concurrency: re-read and retry until the version matches.
    while (true) {
      const current = await ctx.db.project.findUniqueOrThrow({ where: { id: input.id } });
                          //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: compare-and-swap loop
      const { count } = await ctx.db.task.updateMany({ where: { projectId: current.id, version: 0 }, data: { title: input.name } });
                            //~~~~~~~~~~~~~~~~~~~~~~ ok: compare-and-swap loop
      if (count > 0) return current;
    }
  }),

  tasksByStatus: protectedProcedure.input(z.object({ projectId: z.number() })).query(async ({ ctx, input }) => {
    const statuses = ['open', 'in_progress', 'done'] as const;
    const grouped = await ctx.db.task.groupBy({ by: ['status'], where: { projectId: input.projectId }, _count: true });
                        //~~~~~~~~~~~~~~~~~~~ ok: one groupBy
    return statuses.map((status) => grouped.find((group) => group.status === status)?._count ?? 0);
  }),
});
