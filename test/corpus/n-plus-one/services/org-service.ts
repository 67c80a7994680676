// @ts-nocheck
// src/services/org.service.ts: NestJS service that delegates to other services and uses delegates directly.
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import { UsersService } from '../users/users.service';
import { withSpan } from '../tracing';

@Injectable()
export class OrgService {
  constructor(
    private readonly prismaService: PrismaService,
    private readonly users: UsersService,
  ) {}

  async members(orgId: number) {
    const memberships = await this.prismaService.membership.findMany({ where: { orgId } });
    const result = [];
    for (const membership of memberships) {
      // FIXME(false-negative): the query sits in UsersService, in another file, which the analysis does not follow.
      result.push(await this.users.findOne(membership.userId));
                      //~~~~~~~~~~~~~~~~~~ ok: another file's service
    }
    return result;
  }

  async projectsWithTasks(orgId: number) {
    const { project: projects, task: tasks } = this.prismaService;
    const list = await projects.findMany({ where: { orgId } });
                     //~~~~~~~~~~~~~~~~~ ok: one query
    for (const project of list) {
      project.tasks = await tasks.findMany({ where: { projectId: project.id } });
                          //^^^^^^^^^^^^^^ warning: tasks.findMany
    }
    return list;
  }

  async traced(productIds: number[]) {
    return Promise.all(productIds.map((id) => withSpan('product.load', () => this.prismaService.product.findFirst({ where: { id } }))));
                                                                           //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: this.prismaService.product.findFirst
  }

  async archive(orgIds: number[]) {
    for (const orgId of orgIds) {
      await this.prismaService.$transaction([
        this.prismaService.project.deleteMany({ where: { orgId } }),
      //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: this.prismaService.project.deleteMany
        this.prismaService.organization.update({ where: { id: orgId }, data: { plan: 'archived' } }),
      //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: this.prismaService.organization.update
      ]);
    }
  }

  async perOrgTransactions(orgIds: number[]) {
    await Promise.all(
      orgIds.map((orgId) =>
        this.prismaService.$transaction(async (tx) => {
          await tx.invoice.updateMany({ where: { orgId, status: 'draft' }, data: { status: 'void' } });
              //^^^^^^^^^^^^^^^^^^^^^ warning: tx.invoice.updateMany
        }),
      ),
    );
  }

  async reads(ids: number[]) {
    return this.prismaService.$transaction(ids.map((id) => this.prismaService.organization.findUnique({ where: { id } })));
                                                         //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: collected into one $transaction
  }

  async plannedOps(items: { id: number; plan: string }[]) {
    const ops = items.map((item) => this.prismaService.organization.update({ where: { id: item.id }, data: { plan: item.plan } }));
                                  //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: collected into one $transaction
    return this.prismaService.$transaction(ops);
  }

  async parallelOps(items: { id: number; plan: string }[]) {
    const ops = items.map((item) => this.prismaService.organization.update({ where: { id: item.id }, data: { plan: item.plan } }));
                                  //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: this.prismaService.organization.update
    return Promise.all(ops);
  }
}
