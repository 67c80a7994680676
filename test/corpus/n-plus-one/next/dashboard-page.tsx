// @ts-nocheck
// app/(dashboard)/orgs/[slug]/page.tsx: a server component tree that fetches per row.
import { notFound } from 'next/navigation';
import { prisma } from '@/lib/prisma';

async function ProjectRow({ project }: { project: { id: number; name: string } }) {
  const openTasks = await prisma.task.count({ where: { projectId: project.id, status: 'open' } });
  return (
    <tr>
      <td>{project.name}</td>
      <td>{openTasks}</td>
    </tr>
  );
}

async function MemberAvatar({ userId }: { userId: number }) {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { name: true, email: true } });
  return <img alt={user?.name ?? user?.email} src={`/avatars/${userId}.png`} />;
}

export default async function OrgPage({ params }: { params: { slug: string } }) {
  const org = await prisma.organization.findUnique({ where: { slug: params.slug }, include: { projects: true, members: true } });
                  //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one query with include
  if (!org) notFound();
  return (
    <main>
      <h1>{org.name}</h1>
      <table>
        <tbody>
          {org.projects.map((project) => (
            <ProjectRow key={project.id} project={project} />
           //^^^^^^^^^^ warning: ProjectRow
          ))}
        </tbody>
      </table>
      <div className="avatars">
        {org.members.map((member) => (
          <MemberAvatar key={member.id} userId={member.userId} />
         //~~~~~~~~~~~~ ok: findUnique batched by the dataloader (siblings render in the same tick)
        ))}
      </div>
    </main>
  );
}
