// @ts-nocheck
'use server';
// Server actions of the dashboard: invitations, bulk edits, reordering.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import prisma from '@/lib/db';
import { auth } from '@/auth';

const InviteSchema = z.object({ orgId: z.number(), emails: z.array(z.string().email()) });

export async function inviteMembers(input: z.infer<typeof InviteSchema>) {
  const { orgId, emails } = InviteSchema.parse(input);
  const session = await auth();
  const org = await prisma.organization.findUniqueOrThrow({ where: { id: orgId } });
                  //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one lookup before the loop

  for (const email of emails) {
    const user = await prisma.user.upsert({ where: { email }, create: { email }, update: {} });
                     //^^^^^^^^^^^^^^^^^^ warning: prisma.user.upsert
    await prisma.membership.create({ data: { userId: user.id, orgId: org.id, role: 'member' } });
        //^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.membership.create
  }
  await prisma.auditLog.create({ data: { actorId: session.user.id, action: `invited ${emails.length}` } });
      //~~~~~~~~~~~~~~~~~~~~~~ ok: after the loop
  revalidatePath(`/orgs/${org.slug}/members`);
}

export async function markAllRead(notificationIds: number[]) {
  notificationIds.forEach(async (id) => {
    await prisma.notification.update({ where: { id }, data: { readAt: new Date() } });
        //^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.notification.update
  });
}

export async function reorderTasks(projectId: number, orderedIds: number[]) {
  // One round trip: the updates are collected and sent as one transaction.
  await prisma.$transaction(
    orderedIds.map((id, position) => prisma.task.update({ where: { id }, data: { title: undefined, version: position } })),
                                   //~~~~~~~~~~~~~~~~~~ ok: collected into one $transaction
  );
}

export async function archiveProjects(projectIds: number[]) {
  const session = await auth();
  const checks = await Promise.all(projectIds.map((id) => prisma.project.findUnique({ where: { id }, select: { orgId: true } })));
                                                        //~~~~~~~~~~~~~~~~~~~~~~~~~ ok: findUnique batched by the dataloader
  const allowed = await Promise.all(
    checks.map((project) => prisma.membership.findFirst({ where: { orgId: project?.orgId, userId: session.user.id, role: 'admin' } })),
                          //^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.membership.findFirst
  );
  if (allowed.some((membership) => !membership)) throw new Error('forbidden');
  await prisma.task.updateMany({ where: { projectId: { in: projectIds } }, data: { status: 'archived' } });
      //~~~~~~~~~~~~~~~~~~~~~~ ok: one statement for all projects
}

export async function importTags(names: string[]) {
  const existing = await prisma.tag.findMany({ where: { name: { in: names } } });
                       //~~~~~~~~~~~~~~~~~~~ ok: one query for all names
  const missing = names.filter((name) => !existing.some((tag) => tag.name === name));
  await prisma.tag.createMany({ data: missing.map((name) => ({ name })), skipDuplicates: true });
      //~~~~~~~~~~~~~~~~~~~~~ ok: one insert for all names
}
