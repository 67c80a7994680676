// @ts-nocheck
// src/reports/reports.service.ts: a private client field, a repository that is not Prisma, and reductions.
import { Injectable } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';
import { ReportRepository } from './report.repository';

@Injectable()
export class ReportsService {
  readonly #prisma = new PrismaClient();

  constructor(private readonly reports: ReportRepository) {}

  async revenueByOrg(orgIds: number[]) {
    return orgIds.reduce(async (accumulator, orgId) => {
      const totals = await accumulator;
      const sum = await this.#prisma.invoice.aggregate({ where: { orgId }, _sum: { amount: true } });
                      //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: this.#prisma.invoice.aggregate
      return { ...totals, [orgId]: sum._sum.amount ?? 0 };
    }, Promise.resolve({} as Record<number, number>));
  }

  async activeOrgs(orgIds: number[]) {
    const flags = await Promise.all(orgIds.map((orgId) => this.#prisma.project.count({ where: { orgId } })));
                                                        //^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: this.#prisma.project.count
    return orgIds.filter((_, i) => flags[i] > 0);
  }

  async hasOverdue(orgIds: number[]) {
    for (const orgId of orgIds) {
      if (await this.#prisma.invoice.findFirst({ where: { orgId, status: 'overdue' } })) return true;
              //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: this.#prisma.invoice.findFirst
    }
    return false;
  }

  async saved(userId: number) {
    const reports = await this.reports.findMany({ where: { userId } });
                        //~~~~~~~~~~~~~~~~~~~~~ ok: a repository, not Prisma
    return reports.map((report) => this.reports.findUnique({ where: { id: report.id } }));
                                 //~~~~~~~~~~~~~~~~~~~~~~~ ok: a repository, not Prisma
  }
}
