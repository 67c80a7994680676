/** Generates a deterministic, valid, realistic PostgreSQL Prisma schema of any size for the benchmarks. */

/** What the benchmark needs to know about one generated model to edit it like a user would. */
export interface GeneratedModel {
  name: string;
  /** Scalar fields that no attribute or relation refers to, so renaming one keeps the schema valid. */
  renameableFields: string[];
  /** Foreign-key fields that no index covers: adding `@@index([field])` removes one finding. */
  unindexedForeignKeys: string[];
}

export interface SchemaStats {
  models: number;
  joinModels: number;
  enums: number;
  /** Every declared field, scalar and relation, including back-relation fields. */
  fields: number;
  /** Relations with a foreign key, counted once (on the side that holds the key). */
  relations: number;
  oneToOne: number;
  selfRelations: number;
  foreignKeys: number;
  unindexedForeignKeys: number;
  lines: number;
  bytes: number;
}

export interface GeneratedSchema {
  text: string;
  models: GeneratedModel[];
  stats: SchemaStats;
}

/** A small, fast, seedable PRNG (mulberry32): the same seed always yields the same schema. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Model and enum nouns are disjoint from the scalar field names below, so that the back-relation
// fields derived from model names never collide with a model's own scalar fields.
const MODEL_NOUNS = [
  'User', 'Account', 'Organization', 'Team', 'Project', 'Invoice', 'Order', 'Product', 'Customer', 'Shipment',
  'Warehouse', 'Supplier', 'Payment', 'Refund', 'Coupon', 'Cart', 'Review', 'Article', 'Comment', 'Tag',
  'Category', 'Subscription', 'Plan', 'Feature', 'Workspace', 'Document', 'Folder', 'Attachment', 'Message', 'Thread',
  'Channel', 'Notification', 'Device', 'Login', 'Token', 'Webhook', 'Event', 'Ticket', 'Technician', 'Contract',
  'Lead', 'Opportunity', 'Campaign', 'Audience', 'Report', 'Dashboard', 'Widget', 'Metric', 'Alert', 'Incident',
  'Deployment', 'Release', 'Repository', 'Branch', 'Commit', 'Pipeline', 'Job', 'Artifact', 'Environment', 'Secret',
  'Course', 'Lesson', 'Enrollment', 'Quiz', 'Answer', 'Certificate', 'Vendor', 'Asset', 'Booking', 'Room',
];

const ENUM_NOUNS = ['Lifecycle', 'Priority', 'Visibility', 'Currency', 'Region', 'Tier', 'Kind', 'Severity', 'Stage', 'Mode'];
const ENUM_VALUES = ['DRAFT', 'ACTIVE', 'PENDING', 'ARCHIVED', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'PUBLIC', 'PRIVATE', 'INTERNAL', 'EUR', 'USD', 'GBP', 'NORTH', 'SOUTH'];

interface ScalarTemplate {
  name: string;
  type: string;
  attributes?: string;
  /** Fields that may carry a single-field `@@index` or lead a composite one. */
  indexable?: boolean;
}

const SCALARS: ScalarTemplate[] = [
  { name: 'title', type: 'String', attributes: '@db.VarChar(255)' },
  { name: 'label', type: 'String' },
  { name: 'description', type: 'String?', attributes: '@db.Text' },
  { name: 'email', type: 'String', indexable: true },
  { name: 'slug', type: 'String', indexable: true },
  { name: 'quantity', type: 'Int', attributes: '@default(0)' },
  { name: 'amount', type: 'Decimal', attributes: '@db.Decimal(12, 2)' },
  { name: 'price', type: 'Decimal?', attributes: '@db.Decimal(10, 2)' },
  { name: 'isActive', type: 'Boolean', attributes: '@default(true) @map("is_active")' },
  { name: 'archived', type: 'Boolean', attributes: '@default(false)' },
  { name: 'createdAt', type: 'DateTime', attributes: '@default(now()) @map("created_at")', indexable: true },
  { name: 'updatedAt', type: 'DateTime', attributes: '@updatedAt @map("updated_at")' },
  { name: 'deletedAt', type: 'DateTime?', attributes: '@map("deleted_at")' },
  { name: 'startsAt', type: 'DateTime?', attributes: '@db.Timestamptz(6)' },
  { name: 'metadata', type: 'Json?' },
  { name: 'settings', type: 'Json', attributes: '@default("{}")' },
  { name: 'externalRef', type: 'String?', attributes: '@map("external_ref")', indexable: true },
  { name: 'score', type: 'Float', attributes: '@default(0)' },
  { name: 'position', type: 'BigInt?' },
  { name: 'checksum', type: 'Bytes?' },
  { name: 'notes', type: 'String?', attributes: '@db.Text' },
  { name: 'code', type: 'String', attributes: '@db.VarChar(32)', indexable: true },
  { name: 'revision', type: 'Int', attributes: '@default(1)' },
  { name: 'publicKey', type: 'String', attributes: '@default(uuid()) @db.Uuid', indexable: true },
  { name: 'weight', type: 'Int', attributes: '@default(0) @db.SmallInt' },
  { name: 'locale', type: 'String', attributes: '@default("en")' },
  { name: 'country', type: 'String?', attributes: '@db.Char(2)' },
  { name: 'phone', type: 'String?' },
];

type IdKind = 'int' | 'cuid';

interface ForeignKeyPlan {
  parent: number;
  field: string;
  relationField: string;
  optional: boolean;
  oneToOne: boolean;
  mappedColumn?: string;
  onDelete?: string;
  relationName?: string;
}

interface ModelPlan {
  name: string;
  isJoin: boolean;
  idKind: IdKind;
  scalars: ScalarTemplate[];
  enumField?: { name: string; enumName: string; value: string };
  foreignKeys: ForeignKeyPlan[];
  /** Block attributes in source order, e.g. `@@index([authorId])`. */
  blockAttributes: string[];
  tableName?: string;
  /** Back-relation fields added by children: `name Type[]` or `name Type?`. */
  backRelations: { name: string; type: string; relationName?: string }[];
  unindexedForeignKeys: string[];
  renameableFields: string[];
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function plural(name: string): string {
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(name)) return `${name}es`;
  return `${name}s`;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function modelName(index: number, taken: Set<string>): string {
  const noun = MODEL_NOUNS[index % MODEL_NOUNS.length]!;
  const round = Math.floor(index / MODEL_NOUNS.length);
  let name = round === 0 ? noun : `${noun}${round + 1}`;
  while (taken.has(name)) name += 'X';
  taken.add(name);
  return name;
}

/**
 * Builds an N-model schema: enums, models with 5–15 own fields (plus back-relation fields) of
 * varied scalar and native types, `@map`/`@@map` on some, 1:n relations, some 1:1 (`@unique` key),
 * some self-relations, explicit m:n join models with `@@id`, about a third of the foreign keys left
 * without an index, and some `@@index`/`@@unique` on plain columns.
 */
export function generateSchema(modelCount = 1000, seed = 20240611): GeneratedSchema {
  const random = createRandom(seed);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

  const enumCount = Math.max(2, Math.round(modelCount / 25));
  const enums = Array.from({ length: enumCount }, (_, i) => {
    const noun = ENUM_NOUNS[i % ENUM_NOUNS.length]!;
    const round = Math.floor(i / ENUM_NOUNS.length);
    const values = shuffled(ENUM_VALUES, random).slice(0, between(3, 6));
    return { name: round === 0 ? noun : `${noun}${round + 1}`, values };
  });

  const takenNames = new Set(enums.map((e) => e.name));
  const plans: ModelPlan[] = [];
  let regularIndex = 0;

  for (let i = 0; i < modelCount; i++) {
    const regulars = plans.map((plan, index) => ({ plan, index })).filter((entry) => !entry.plan.isJoin);
    if (i >= 4 && regulars.length >= 2 && chance(0.08)) {
      plans.push(planJoinModel(regulars));
      continue;
    }
    plans.push(planRegularModel(i, regulars));
  }

  function planRegularModel(index: number, regulars: { plan: ModelPlan; index: number }[]): ModelPlan {
    const name = modelName(regularIndex++, takenNames);
    const plan: ModelPlan = {
      name,
      isJoin: false,
      idKind: chance(0.2) ? 'cuid' : 'int',
      scalars: [],
      foreignKeys: [],
      blockAttributes: [],
      backRelations: [],
      unindexedForeignKeys: [],
      renameableFields: [],
      tableName: chance(0.3) ? plural(snakeCase(name)) : undefined,
    };
    if (chance(0.35)) {
      const enumType = pick(enums);
      plan.enumField = { name: 'state', enumName: enumType.name, value: enumType.values[0]! };
    }

    // Earlier models are picked more often (an r^1.5 bias), as real schemas have a few hub models.
    const parentCount = regulars.length === 0 ? 0 : Math.min(regulars.length, pick([0, 1, 1, 1, 2, 2, 2, 3]));
    const parents = new Set<number>();
    while (parents.size < parentCount) parents.add(regulars[Math.floor(regulars.length * random() ** 1.5)]!.index);
    for (const parent of parents) {
      const parentName = plans[parent]!.name;
      const oneToOne = chance(0.08);
      const optional = chance(0.3);
      const field = `${lowerFirst(parentName)}Id`;
      plan.foreignKeys.push({
        parent,
        field,
        relationField: lowerFirst(parentName),
        optional,
        oneToOne,
        mappedColumn: chance(0.3) ? snakeCase(field) : undefined,
        onDelete: optional ? (chance(0.4) ? 'SetNull' : undefined) : chance(0.5) ? 'Cascade' : undefined,
      });
    }
    if (chance(0.05)) {
      plan.foreignKeys.push({
        parent: index,
        field: 'parentId',
        relationField: 'parent',
        optional: true,
        oneToOne: false,
        mappedColumn: chance(0.3) ? 'parent_id' : undefined,
        relationName: `${name}Hierarchy`,
      });
    }

    // Scalars fill the model up to 5–15 own fields (back-relation fields come on top, as in real schemas).
    const otherFields = 1 + (plan.enumField ? 1 : 0) + 2 * plan.foreignKeys.length;
    plan.scalars = shuffled(SCALARS, random).slice(0, Math.min(between(4, 9), 15 - otherFields));
    const scalarNames = new Set(plan.scalars.map((scalar) => scalar.name));
    const indexedScalars = new Set<string>();
    for (const fk of plan.foreignKeys) {
      if (fk.oneToOne) continue;
      if (chance(0.37)) {
        plan.unindexedForeignKeys.push(fk.field);
        continue;
      }
      // Covering indexes come in the shapes real schemas use: alone, leading a composite index,
      // or leading a composite unique constraint.
      const shape = random();
      if (shape < 0.2 && scalarNames.has('createdAt')) {
        plan.blockAttributes.push(`@@index([${fk.field}, createdAt])`);
        indexedScalars.add('createdAt');
      } else if (shape < 0.3 && scalarNames.has('slug') && !fk.optional) {
        plan.blockAttributes.push(`@@unique([${fk.field}, slug])`);
        indexedScalars.add('slug');
      } else {
        plan.blockAttributes.push(`@@index([${fk.field}])`);
      }
    }
    for (const scalar of plan.scalars) {
      if (!scalar.indexable || indexedScalars.has(scalar.name) || !chance(0.25)) continue;
      plan.blockAttributes.push(scalar.name === 'email' || scalar.name === 'publicKey' ? `@@unique([${scalar.name}])` : `@@index([${scalar.name}])`);
      indexedScalars.add(scalar.name);
    }
    if (plan.enumField && chance(0.3)) plan.blockAttributes.push(`@@index([${plan.enumField.name}])`);
    plan.renameableFields = plan.scalars.map((scalar) => scalar.name).filter((field) => !indexedScalars.has(field));
    return plan;
  }

  function planJoinModel(regulars: { plan: ModelPlan; index: number }[]): ModelPlan {
    const first = regulars[Math.floor(regulars.length * random() ** 2)]!;
    let second = first;
    while (second === first) second = regulars[Math.floor(regulars.length * random())]!;
    let name = `${first.plan.name}${second.plan.name}`;
    while (takenNames.has(name)) name += 'Link';
    takenNames.add(name);
    const foreignKeys: ForeignKeyPlan[] = [first, second].map(({ plan, index }) => ({
      parent: index,
      field: `${lowerFirst(plan.name)}Id`,
      relationField: lowerFirst(plan.name),
      optional: false,
      oneToOne: false,
      mappedColumn: chance(0.3) ? snakeCase(`${lowerFirst(plan.name)}Id`) : undefined,
      onDelete: 'Cascade',
    }));
    const [leading, trailing] = foreignKeys as [ForeignKeyPlan, ForeignKeyPlan];
    const blockAttributes = [`@@id([${leading.field}, ${trailing.field}])`];
    // The primary key covers its leading column only; the second key needs an index of its own,
    // which real schemas often forget.
    const unindexed: string[] = [];
    if (chance(0.37)) unindexed.push(trailing.field);
    else blockAttributes.push(`@@index([${trailing.field}])`);
    return {
      name,
      isJoin: true,
      idKind: 'int',
      scalars: [{ name: 'assignedAt', type: 'DateTime', attributes: '@default(now()) @map("assigned_at")' }, ...(chance(0.5) ? [SCALARS.find((s) => s.name === 'weight')!] : [])],
      foreignKeys,
      blockAttributes,
      backRelations: [],
      unindexedForeignKeys: unindexed,
      renameableFields: [],
      tableName: chance(0.5) ? snakeCase(name) : undefined,
    };
  }

  // Back-relation fields go on the referenced model once every model is planned.
  for (const child of plans) {
    for (const fk of child.foreignKeys) {
      const parent = plans[fk.parent]!;
      if (fk.relationName) {
        parent.backRelations.push({ name: 'children', type: `${child.name}[]`, relationName: fk.relationName });
      } else if (fk.oneToOne) {
        parent.backRelations.push({ name: lowerFirst(child.name), type: `${child.name}?` });
      } else {
        parent.backRelations.push({ name: plural(lowerFirst(child.name)), type: `${child.name}[]` });
      }
    }
  }

  const blocks: string[] = [
    `// A generated ${modelCount}-model PostgreSQL schema for the Prisma Lens benchmarks (seed ${seed}).`,
    ['generator client {', '  provider = "prisma-client-js"', '}'].join('\n'),
    ['datasource db {', '  provider = "postgresql"', '}'].join('\n'),
    ...enums.map((e) => [`enum ${e.name} {`, ...e.values.map((value) => `  ${value}`), '}'].join('\n')),
    ...plans.map((plan) => renderModel(plan, plans)),
  ];
  const text = `${blocks.join('\n\n')}\n`;

  const foreignKeys = plans.flatMap((plan) => plan.foreignKeys);
  const stats: SchemaStats = {
    models: plans.length,
    joinModels: plans.filter((plan) => plan.isJoin).length,
    enums: enums.length,
    fields: plans.reduce((sum, plan) => sum + fieldRows(plan, plans).length, 0),
    relations: foreignKeys.length,
    oneToOne: foreignKeys.filter((fk) => fk.oneToOne).length,
    selfRelations: foreignKeys.filter((fk) => fk.relationName).length,
    foreignKeys: foreignKeys.length,
    unindexedForeignKeys: plans.reduce((sum, plan) => sum + plan.unindexedForeignKeys.length, 0),
    lines: text.split('\n').length - 1,
    bytes: Buffer.byteLength(text),
  };
  const models = plans.map((plan) => ({ name: plan.name, renameableFields: plan.renameableFields, unindexedForeignKeys: plan.unindexedForeignKeys }));
  return { text, models, stats };
}

/** The model's field rows as [name, type, attributes], in the order `prisma format` users tend to keep. */
function fieldRows(plan: ModelPlan, plans: readonly ModelPlan[]): [string, string, string][] {
  const rows: [string, string, string][] = [];
  if (!plan.isJoin) rows.push(['id', plan.idKind === 'int' ? 'Int' : 'String', plan.idKind === 'int' ? '@id @default(autoincrement())' : '@id @default(cuid())']);
  for (const scalar of plan.scalars) rows.push([scalar.name, scalar.type, scalar.attributes ?? '']);
  if (plan.enumField) rows.push([plan.enumField.name, plan.enumField.enumName, `@default(${plan.enumField.value})`]);
  for (const fk of plan.foreignKeys) {
    const parent = plans[fk.parent]!;
    const keyType = parent.idKind === 'int' ? 'Int' : 'String';
    const keyAttributes = [fk.oneToOne ? '@unique' : '', fk.mappedColumn ? `@map("${fk.mappedColumn}")` : ''].filter(Boolean).join(' ');
    rows.push([fk.field, `${keyType}${fk.optional ? '?' : ''}`, keyAttributes]);
    const relationArguments = [
      fk.relationName ? `"${fk.relationName}"` : '',
      `fields: [${fk.field}]`,
      'references: [id]',
      fk.onDelete ? `onDelete: ${fk.onDelete}` : '',
    ].filter(Boolean);
    rows.push([fk.relationField, `${parent.name}${fk.optional ? '?' : ''}`, `@relation(${relationArguments.join(', ')})`]);
  }
  for (const back of plan.backRelations) rows.push([back.name, back.type, back.relationName ? `@relation("${back.relationName}")` : '']);
  return rows;
}

function renderModel(plan: ModelPlan, plans: readonly ModelPlan[]): string {
  const rows = fieldRows(plan, plans);
  const names = new Set<string>();
  for (const [name] of rows) {
    // A duplicate would make the schema invalid; the generator's name pools are meant to prevent it.
    if (names.has(name)) throw new Error(`generate-schema: duplicate field ${plan.name}.${name}`);
    names.add(name);
  }
  // Columns are aligned the way `prisma format` aligns them.
  const nameWidth = Math.max(...rows.map(([name]) => name.length));
  const typeWidth = Math.max(...rows.map(([, type]) => type.length));
  const lines = rows.map(([name, type, attributes]) => `  ${name.padEnd(nameWidth)} ${attributes ? `${type.padEnd(typeWidth)} ${attributes}` : type}`);
  const blockLines = [...plan.blockAttributes, ...(plan.tableName ? [`@@map("${plan.tableName}")`] : [])].map((line) => `  ${line}`);
  return [`model ${plan.name} {`, ...lines, ...(blockLines.length ? ['', ...blockLines] : []), '}'].join('\n');
}

if (require.main === module) {
  // `tsx bench/generate-schema.ts [models]` prints a schema, to look at or to try in other tools.
  const count = Number(process.argv[2] ?? 1000);
  process.stdout.write(generateSchema(count).text);
}
