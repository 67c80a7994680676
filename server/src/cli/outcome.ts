/** What a `prisma-lens check` run is asked (its targets) and what it found: filled by the check steps, read by the formatters. */
import type { Report } from './report';

export interface CheckTarget {
  /** As the user typed it, for messages. */
  input: string;
  absolute: string;
  isFile: boolean;
}

export interface CheckProblem {
  path: string;
  message: string;
}

export interface CheckOutcome {
  report: Report;
  /** Files that could not be analysed (too large, binary, unreadable): input errors. */
  unreadable: CheckProblem[];
  /** Configured locations that were not usable; the files were still reviewed. */
  warnings: CheckProblem[];
  /** What the run decided that the reader should know (which migrations were reviewed, against which base). */
  notes: string[];
  /** Rules that threw, with the schema they threw on; the other rules still reported. */
  ruleErrors: string[];
  /** Folder targets holding no Prisma project (no schema) and no migrations: input errors. */
  emptyTargets: CheckTarget[];
}
