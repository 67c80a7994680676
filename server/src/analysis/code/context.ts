/** What a code rule sees: one TypeScript/JavaScript file and the schema its queries run against. */
import type { PrismaSchema } from '../schema/model';

export interface CodeRuleContext {
  uri: string;
  text: string;
  /** The schema of the project the file belongs to; undefined when none was found. */
  schema: PrismaSchema | undefined;
}
