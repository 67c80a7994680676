// @ts-nocheck
// app/routes/dashboard.tsx (Remix): loader and action.
import { json, type LoaderFunctionArgs, type ActionFunctionArgs } from '@remix-run/node';
import { db } from '~/db.server';
import { requireUserId } from '~/session.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const userId = await requireUserId(request);
  const memberships = await db.membership.findMany({ where: { userId }, include: { org: true } });
                          //~~~~~~~~~~~~~~~~~~~~~~ ok: one query with include
  const orgs = await Promise.all(
    memberships.map(async ({ org }) => {
      const [projects, unpaid] = await Promise.all([
        db.project.count({ where: { orgId: org.id } }),
      //^^^^^^^^^^^^^^^^ warning: db.project.count
        db.invoice.findMany({ where: { orgId: org.id, status: 'overdue' } }),
      //^^^^^^^^^^^^^^^^^^^ warning: db.invoice.findMany
      ]);
      return { ...org, projects, unpaid };
    }),
  );
  const me = await db.user.findUniqueOrThrow({ where: { id: userId } });
                 //~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one query after the loop
  return json({ me, orgs });
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const ids = form.getAll('notificationId').map(Number);
  if (form.get('intent') === 'read') {
    await db.notification.updateMany({ where: { id: { in: ids } }, data: { readAt: new Date() } });
        //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one statement for all ids
  } else {
    for (const id of ids) await db.notification.delete({ where: { id } });
                              //^^^^^^^^^^^^^^^^^^^^^^ warning: db.notification.delete
  }
  return json({ ok: true });
}
