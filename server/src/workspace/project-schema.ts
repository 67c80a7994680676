/** Resolves where one project folder keeps its Prisma schema, in the order Prisma's CLI looks (versions 5 to 7). */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { PRISMA_CONFIG_NAMES, schemaFromPackageJson, schemaFromPrismaConfig, type ConfiguredSchema } from './prisma-project';
import { readStampedText, type Stamps, type WalkProblem } from './walk';

export type ResolvedSource = 'prisma.config' | 'package.json' | 'default-file' | 'default-folder';

export interface ResolvedSchema {
  /** A schema file, or a folder whose `.prisma` files together form one schema. */
  schemaPath: string;
  isFolder: boolean;
  source: ResolvedSource;
}

export interface ProjectResolution {
  schema: ResolvedSchema | undefined;
  /** Locations the project names but that cannot be used; resolution went on to the next source. */
  problems: WalkProblem[];
}

/**
 * `prisma.config.*` `schema`, then package.json `prisma.schema`, then `./schema.prisma`,
 * `./prisma/schema.prisma` and the multi-file folder `./prisma/schema/`. Where Prisma would stop
 * with an error (a configured path that does not exist), this reports a problem and keeps looking,
 * so that the schema is still reviewed.
 */
export async function resolveProjectSchema(dir: string, stamps?: Stamps): Promise<ProjectResolution> {
  const problems: WalkProblem[] = [];
  for (const name of PRISMA_CONFIG_NAMES) {
    const configFile = path.join(dir, name);
    const text = readStampedText(configFile, stamps);
    if (text === undefined) continue;
    const schema = await configuredSchema(dir, configFile, schemaFromPrismaConfig(text), 'prisma.config', problems, stamps);
    if (schema) return { schema, problems };
    // Prisma loads a single config file; the others are not consulted.
    break;
  }
  const packageFile = path.join(dir, 'package.json');
  const packageText = readStampedText(packageFile, stamps);
  if (packageText !== undefined) {
    const schema = await configuredSchema(dir, packageFile, schemaFromPackageJson(packageText), 'package.json', problems, stamps);
    if (schema) return { schema, problems };
  }
  for (const candidate of ['schema.prisma', path.join('prisma', 'schema.prisma')]) {
    const schemaPath = path.join(dir, candidate);
    if ((await pathKind(schemaPath, stamps)) === 'file') return { schema: { schemaPath, isFolder: false, source: 'default-file' }, problems };
  }
  const folder = path.join(dir, 'prisma', 'schema');
  if ((await pathKind(folder, stamps)) === 'folder') return { schema: { schemaPath: folder, isFolder: true, source: 'default-folder' }, problems };
  return { schema: undefined, problems };
}

async function configuredSchema(
  dir: string,
  configFile: string,
  configured: ConfiguredSchema | undefined,
  source: 'prisma.config' | 'package.json',
  problems: WalkProblem[],
  stamps: Stamps | undefined,
): Promise<ResolvedSchema | undefined> {
  if (!configured) return undefined;
  if (configured.kind === 'unreadable') {
    problems.push({ path: configFile, message: `${configured.reason}; using Prisma's default locations instead` });
    return undefined;
  }
  const schemaPath = path.resolve(dir, configured.path);
  const kind = await pathKind(schemaPath, stamps);
  if (kind === 'missing') {
    problems.push({ path: configFile, message: `the schema it names, ${configured.path}, does not exist; using Prisma's default locations instead` });
    return undefined;
  }
  return { schemaPath, isFolder: kind === 'folder', source };
}

async function pathKind(target: string, stamps: Stamps | undefined): Promise<'file' | 'folder' | 'missing'> {
  try {
    const info = await stat(target);
    stamps?.set(target, info.mtimeMs);
    return info.isDirectory() ? 'folder' : info.isFile() ? 'file' : 'missing';
  } catch {
    stamps?.set(target, -1);
    return 'missing';
  }
}
