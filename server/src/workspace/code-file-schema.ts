/**
 * Which schema a TypeScript/JavaScript file's queries run against: the schema whose client it
 * imports (directly, through a workspace package, a custom generator `output` or a path alias),
 * else the nearest project above it, else the only schema of its discovery. The editor and the
 * CLI both ask here.
 */
import * as path from 'node:path';
import { cachedDiscovery, discoveryRootFor, normalizeDrive, type Discovery, type SchemaSet } from './discovery';
import { importSpecifiers } from './import-specifiers';
import { monorepoRootAbove, workspaceLayout, type RootMemo } from './monorepo';
import { newResolutionContext, resolveImport, type ResolutionContext } from './module-resolution';
import { sharedPending } from './shared-pending';
import { comparePaths, isInside, readStampedText } from './walk';

/** Imports followed from the file itself: its module, a helper it imports, the package that helper imports, and one more. */
const MAX_HOPS = 4;
/** Files larger than this are not read for their imports (a bundle, generated code). */
const MAX_FOLLOWED_BYTES = 1024 * 1024;

/**
 * The schema a code file's queries run against. `text` is the file's current text (an editor's
 * unsaved one); without it the file is read from disk, when its imports matter.
 */
export async function schemaSetForCodeFile(file: string, workspaceFolders: readonly string[], text?: string): Promise<SchemaSet | undefined> {
  return new ClientOwners(workspaceFolders, cachedDiscovery).setFor(file, text);
}

/**
 * `schemaSetForCodeFile` for the many files of one background pass: each discovery root is checked
 * against the disk once, when the pass first needs it, and that result answers every later file of
 * the pass; the imports of a file that several files import are read once. (Checking per file would
 * `stat` every folder of a large workspace many times a second.) A schema or project file that
 * changes during the pass is seen by the next pass, which the file-watcher event starts, or by the
 * next lookup outside the pass.
 */
export function codeFileSchemaSnapshot(workspaceFolders: readonly string[]): (file: string, text?: string) => Promise<SchemaSet | undefined> {
  const discoveries = new Map<string, Promise<Discovery>>();
  // A failed discovery is tried again by the next file rather than kept for the pass.
  const discoveryOf = (root: string): Promise<Discovery> => sharedPending(discoveries, root, () => cachedDiscovery(root));
  const owners = new ClientOwners(workspaceFolders, discoveryOf);
  // Each discovery starts when the pass first asks for a file of its folder: a pass lists its code
  // files first, and the walks of both read folders with blocking calls, one after the other.
  return (file, text) => owners.setFor(file, text);
}

/** Of the sets one discovery found, the one a code file belongs to by place: its nearest project, else the only set. */
export function schemaSetOwningCodeFile(sets: readonly SchemaSet[], file: string): SchemaSet | undefined {
  return nearestProjectSet(sets, file) ?? (sets.length === 1 ? sets[0] : undefined);
}

function nearestProjectSet(sets: readonly SchemaSet[], file: string): SchemaSet | undefined {
  const owners = sets.filter((set) => set.source !== 'loose' && isInside(file, set.projectRoot));
  return owners.length > 0 ? owners.reduce((a, b) => (b.projectRoot.length > a.projectRoot.length ? b : a)) : undefined;
}

/** Resolves code files to schema sets, remembering what it read for as long as it is kept (one lookup or one pass). */
class ClientOwners {
  private readonly folders: string[];
  /** Folder → whether it is a monorepo root. */
  private readonly monorepoRoots: RootMemo = new Map();
  /** Monorepo root ('' for none) → how specifiers resolve in it. */
  private readonly contexts = new Map<string, Promise<ResolutionContext>>();
  /** Files read from disk → the set their imports lead to; only finished answers are kept (import cycles cannot wait on themselves). */
  private readonly followed = new Map<string, SchemaSet | undefined>();

  constructor(
    workspaceFolders: readonly string[],
    private readonly discoveryOf: (root: string) => Promise<Discovery>,
  ) {
    this.folders = workspaceFolders.map((folder) => normalizeDrive(path.resolve(folder)));
  }

  async setFor(file: string, text: string | undefined): Promise<SchemaSet | undefined> {
    const target = normalizeDrive(path.resolve(file));
    const root = await discoveryRootFor(target, this.folders, this.monorepoRoots);
    const { sets, copies } = await this.discoveryOf(root);
    const monorepo = await this.monorepoRootOf(path.dirname(target));
    // One schema, no copy generating a client, and no package outside the discovery that could hold another: imports cannot change the answer.
    if (sets.length <= 1 && copies.length === 0 && (monorepo === undefined || isInside(monorepo, root))) return schemaSetOwningCodeFile(sets, target);
    const source = text ?? readStampedText(target, undefined, MAX_FOLLOWED_BYTES);
    const imported = source === undefined ? undefined : await this.ownerByImports(target, source, { root, monorepo }, 0, new Set([target]));
    return imported ?? schemaSetOwningCodeFile(sets, target);
  }

  /** The set the first import that leads to a client names; undefined when none does. */
  private async ownerByImports(file: string, text: string, scope: Scope, depth: number, visiting: Set<string>): Promise<SchemaSet | undefined> {
    const specifiers = importSpecifiers(text);
    if (specifiers.length === 0) return undefined;
    const context = await this.contextFor(scope.monorepo);
    for (const { specifier } of specifiers) {
      const target = resolveImport(specifier, file, context);
      if (!target) {
        // A client generated into node_modules under a name of its own (`output = "../node_modules/@acme/client"`).
        const generated = await this.setGeneratingPackage(specifier, scope);
        if (generated) return generated;
        continue;
      }
      if (target.kind === 'prisma-client') {
        const nearest = nearestProjectSet(await this.setsCovering(file, scope), file);
        if (nearest) return nearest;
        continue;
      }
      const generated = await this.setGeneratingPath(target.kind === 'path' ? target.joined : (target.file ?? target.folder), scope);
      if (generated) return generated;
      if (target.file && depth + 1 < MAX_HOPS && !visiting.has(target.file)) {
        const through = await this.followFile(target.file, scope, depth + 1, visiting);
        if (through) return through;
      }
      if (target.kind === 'package') {
        const owned = await this.setOfPackage(target.folder, scope);
        if (owned) return owned;
      }
    }
    return undefined;
  }

  private async followFile(file: string, scope: Scope, depth: number, visiting: Set<string>): Promise<SchemaSet | undefined> {
    if (this.followed.has(file)) return this.followed.get(file);
    const text = readStampedText(file, undefined, MAX_FOLLOWED_BYTES);
    if (text === undefined || text.includes('\u0000')) return undefined;
    visiting.add(file);
    const monorepo = isInside(file, scope.monorepo ?? scope.root) ? scope.monorepo : await this.monorepoRootOf(path.dirname(file));
    const owner = await this.ownerByImports(file, text, { root: scope.root, monorepo }, depth, visiting);
    visiting.delete(file);
    this.followed.set(file, owner);
    return owner;
  }

  /**
   * The sets that can hold a path: those of the discovery root when the path is inside it, else those
   * of the workspace package it is in (discovered on its own), else those of the whole monorepo.
   */
  private async setsCovering(target: string, scope: Scope): Promise<readonly SchemaSet[]> {
    if (isInside(target, scope.root)) return (await this.discoveryOf(scope.root)).sets;
    const context = await this.contextFor(scope.monorepo);
    let packageFolder: string | undefined;
    for (const folder of context.packages.values()) {
      if (isInside(target, folder) && (!packageFolder || folder.length > packageFolder.length)) packageFolder = folder;
    }
    if (packageFolder && packageFolder !== scope.monorepo) return (await this.discoveryOf(packageFolder)).sets;
    if (scope.monorepo && isInside(target, scope.monorepo)) return (await this.discoveryOf(scope.monorepo)).sets;
    return [];
  }

  /** The set whose generator writes its client to `target` (a folder, or a file in it); a copy of a schema that does when no set does. */
  private async setGeneratingPath(target: string, scope: Scope): Promise<SchemaSet | undefined> {
    const discovery = await this.discoveryOf(scope.root);
    const candidates = [...discovery.sets, ...(isInside(target, scope.root) ? [] : await this.setsCovering(target, scope)), ...discovery.copies];
    return candidates.find((set) => set.clientOutputs?.some((output) => isInside(target, output)));
  }

  /** The set whose generator writes a client into `node_modules/<package>`, imported by that package name. */
  private async setGeneratingPackage(specifier: string, scope: Scope): Promise<SchemaSet | undefined> {
    const sets = (await this.discoveryOf(scope.root)).sets;
    return sets.find((set) =>
      set.clientOutputs?.some((output) => {
        const segments = output.split(path.sep);
        const at = segments.lastIndexOf('node_modules');
        const name = at === -1 ? '' : segments.slice(at + 1).join('/');
        return name !== '' && (specifier === name || specifier.startsWith(`${name}/`));
      }),
    );
  }

  /**
   * The set a workspace package holds: the project at its folder, else one project inside it, else
   * a set whose schema lives in it (a monorepo root's config pointing into the package).
   */
  private async setOfPackage(folder: string, scope: Scope): Promise<SchemaSet | undefined> {
    const sets = (await this.setsCovering(folder, scope)).filter((set) => set.source !== 'loose');
    const byPlace = [
      sets.filter((set) => set.projectRoot === folder),
      sets.filter((set) => isInside(set.projectRoot, folder)),
      sets.filter((set) => isInside(set.schemaPath, folder)),
    ];
    for (const found of byPlace) if (found.length > 0) return found.sort((a, b) => comparePaths(a.projectRoot, b.projectRoot) || comparePaths(a.schemaPath, b.schemaPath))[0];
    return undefined;
  }

  private monorepoRootOf(folder: string): Promise<string | undefined> {
    return monorepoRootAbove(folder, this.monorepoRoots);
  }

  private contextFor(monorepo: string | undefined): Promise<ResolutionContext> {
    return sharedPending(this.contexts, monorepo ?? '', async () => newResolutionContext(monorepo ? (await workspaceLayout(monorepo)).packages : new Map(), monorepo));
  }
}

interface Scope {
  /** The discovery root of the file looked up. */
  root: string;
  /** The monorepo the file being read is in, if any. */
  monorepo: string | undefined;
}
