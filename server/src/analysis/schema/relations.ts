/** Connects each `@relation(fields: …)` side to its target model and back-relation field. */
import type { Field, Model, Relation } from './model';

/**
 * What a model's relations need from its fields, by field position: it depends on the model's text
 * only, so it is worked out once when the block is read and kept while the block is merely moved.
 */
export interface RelationPlan {
  /** The fields with `@relation(fields: […])`, with the positions of those foreign-key fields. */
  sides: { field: number; type: string; relationName: string | undefined; fkFields: number[] | undefined }[];
  /** The first field of each type and relation name that holds no foreign key: a back-relation candidate. */
  backRelations: Map<string, number>;
  /**
   * The fields of each type and relation name that hold keys: the opposite side when no field
   * without one answers, as in MongoDB's many-to-many relations, where both sides list the other's ids.
   */
  keyedSides: Map<string, number[]>;
}

export function relationPlanOf(model: Model): RelationPlan {
  const plan: RelationPlan = { sides: [], backRelations: new Map(), keyedSides: new Map() };
  model.fields.forEach((field, index) => {
    const attribute = field.relation;
    if (attribute && attribute.fields.length > 0) {
      const fkFields: number[] = [];
      for (const name of attribute.fields) {
        const fkField = model.fields.findIndex((candidate) => candidate.name === name);
        if (fkField < 0) break;
        fkFields.push(fkField);
      }
      plan.sides.push({ field: index, type: field.type, relationName: attribute.name, fkFields: fkFields.length === attribute.fields.length ? fkFields : undefined });
      const key = backRelationKey(field.type, attribute.name);
      plan.keyedSides.set(key, [...(plan.keyedSides.get(key) ?? []), index]);
    } else {
      const key = backRelationKey(field.type, attribute?.name);
      if (!plan.backRelations.has(key)) plan.backRelations.set(key, index);
    }
  });
  return plan;
}

function backRelationKey(type: string, relationName: string | undefined): string {
  return relationName === undefined ? type : `${type}\u0000${relationName}`;
}

/**
 * The relations of `models`, each with the plan of the same position in `plans`; `indexByName` gives
 * the position of the model a type name refers to (the first model of that name).
 */
export function resolveRelations(models: readonly Model[], plans: readonly RelationPlan[], indexByName: ReadonlyMap<string, number>): Relation[] {
  const relations: Relation[] = [];
  for (let index = 0; index < models.length; index++) relations.push(...resolveModelRelations(models, plans, indexByName, index));
  return relations;
}

/** The relations whose foreign key the model at `index` holds (see `resolveRelations`). */
export function resolveModelRelations(models: readonly Model[], plans: readonly RelationPlan[], indexByName: ReadonlyMap<string, number>, index: number): Relation[] {
  const relations: Relation[] = [];
  const model = models[index]!;
  for (const side of plans[index]!.sides) {
    const targetIndex = indexByName.get(side.type);
    if (targetIndex === undefined || !side.fkFields) continue;
    const target = models[targetIndex]!;
    const key = backRelationKey(model.name, side.relationName);
    const targetPlan = plans[targetIndex]!;
    // In a self-relation, the side itself is no candidate for its opposite.
    const opposite = targetPlan.backRelations.get(key) ?? targetPlan.keyedSides.get(key)?.find((field) => targetIndex !== index || field !== side.field);
    const fkFields = new Array<Field>(side.fkFields.length);
    for (let i = 0; i < fkFields.length; i++) fkFields[i] = model.fields[side.fkFields[i]!]!;
    relations.push({ model, field: model.fields[side.field]!, target, opposite: opposite === undefined ? undefined : target.fields[opposite], fkFields });
  }
  return relations;
}

/** The position of the target of each relation the model at `index` holds, handed to `push`: `resolveModelRelations` without touching fields. */
export function relationTargets(plans: readonly RelationPlan[], indexByName: ReadonlyMap<string, number>, index: number, push: (target: number) => void): void {
  for (const side of plans[index]!.sides) {
    const targetIndex = indexByName.get(side.type);
    if (targetIndex !== undefined && side.fkFields) push(targetIndex);
  }
}
