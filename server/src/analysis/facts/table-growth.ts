/** Whether a model's table grows with use (orders, events) or is a small lookup table (categories, countries). */
import type { Model, PrismaSchema } from '../schema/model';
import { foreignKeyFields, isScalarField } from './schema-text';

const MAX_LOOKUP_COLUMNS = 4;

/**
 * A lookup table: no foreign key to another table, no timestamp and at most four columns
 * (`Category { id name slug }`, or `{ id name parentId }` as a tree).
 * Such tables hold tens of rows, so scanning them or reading them whole costs nothing.
 */
export function isLookupTable(schema: PrismaSchema, model: Model): boolean {
  // A tree of categories (`parent Category? @relation(…)`) is still a lookup table; a key to another table is not.
  const keys = foreignKeyFields(model);
  const ownKeys = new Set(model.fields.filter((field) => field.type === model.name).flatMap((field) => field.relation?.fields ?? []));
  if ([...keys].some((key) => !ownKeys.has(key))) return false;
  const scalars = model.fields.filter((field) => isScalarField(schema, field) && !field.isList);
  if (scalars.some((field) => field.type === 'DateTime')) return false;
  return scalars.length <= MAX_LOOKUP_COLUMNS;
}
