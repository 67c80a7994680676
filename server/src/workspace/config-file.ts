/**
 * Finds and reads the project's `.prismalens.json`: the nearest one in the folder of the analysed
 * file or any folder above it. Read results are cached per folder until invalidated (the server
 * watches the file), and a broken file is reported, never fatal: its rules fall back to defaults.
 * It also finds each file's project folder, which the test/seed/script conventions are relative to.
 */
import { promises as fs, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, emptyConfig, mergeConfigs, parseConfig, type ConfigProblem, type LensConfig } from '../analysis/policy/config';
import { configForFile, type FileConfig } from '../analysis/policy/file-config';
import type { Language, Rule } from '../analysis/rules/types';
import { PRISMA_CONFIG_NAMES } from './prisma-project';
import { pathExists } from './walk';

export interface LoadedConfig {
  /** The file that was read; undefined when no folder above holds one. */
  file: string | undefined;
  config: LensConfig;
  problems: ConfigProblem[];
}

const MAX_CONFIG_BYTES = 1024 * 1024;

export interface FileToConfigure {
  /** `typescript` for a code file, which may be a test, seed or script; undefined for other files. */
  language?: Language;
  /** A code file's text (its imports can make it a test). */
  text?: string;
  /** The path names a folder (a multi-file schema). */
  isFolder?: boolean;
  /** What the project file is merged over: the editor's settings. */
  base?: LensConfig;
}

/** Markers of a project folder: the test/seed/script conventions look at the path below it only. */
const PROJECT_MARKERS = ['package.json', ...PRISMA_CONFIG_NAMES, '.git'];

export class ConfigFiles {
  /** Folder → the loaded configuration that applies to it. */
  private readonly byFolder = new Map<string, Promise<LoadedConfig>>();
  /** Folder → the project folder it is in, if any. */
  private readonly projectByFolder = new Map<string, Promise<string | undefined>>();

  constructor(private readonly rules: readonly Rule[]) {}

  /**
   * The configuration one file (or schema folder) runs under, the same in the editor and the CLI:
   * its nearest `.prismalens.json` merged over `base`, with the overrides that match it applied and
   * the code rules off when it is a test, seed or script (see `configForFile`).
   */
  async forFile(file: string, options: FileToConfigure = {}): Promise<{ loaded: LoadedConfig } & FileConfig> {
    const folder = options.isFolder ? file : path.dirname(file);
    const [loaded, project] = await Promise.all([this.forFolder(folder), options.language === 'typescript' ? this.projectFolder(folder) : undefined]);
    const merged = options.base ? mergeConfigs(options.base, loaded.config) : loaded.config;
    const resolved = configForFile(merged, this.rules, {
      language: options.language,
      configPath: loaded.file ? relativePath(path.dirname(loaded.file), file) : undefined,
      projectPath: project ? relativePath(project, file) : path.basename(file),
      text: options.text,
    });
    return { loaded, ...resolved };
  }

  /** Forgets everything; called when a `.prismalens.json` is created, changed or deleted. */
  invalidate(): void {
    this.byFolder.clear();
    this.projectByFolder.clear();
  }

  /**
   * The nearest folder at or above `folder` with a package.json, a Prisma config or `.git`; never
   * the home folder or above it, so the folders a project happens to sit in are never part of it.
   */
  private projectFolder(folder: string): Promise<string | undefined> {
    let found = this.projectByFolder.get(folder);
    if (!found) {
      found = this.findProjectFolder(folder);
      this.projectByFolder.set(folder, found);
    }
    return found;
  }

  private async findProjectFolder(folder: string): Promise<string | undefined> {
    if (path.resolve(folder) === path.resolve(os.homedir())) return undefined;
    for (const marker of PROJECT_MARKERS) if (await pathExists(path.join(folder, marker))) return folder;
    const parent = path.dirname(folder);
    return parent === folder ? undefined : this.projectFolder(parent);
  }

  private forFolder(folder: string): Promise<LoadedConfig> {
    let loaded = this.byFolder.get(folder);
    if (!loaded) {
      loaded = this.load(folder);
      this.byFolder.set(folder, loaded);
    }
    return loaded;
  }

  private async load(folder: string): Promise<LoadedConfig> {
    const file = path.join(folder, CONFIG_FILE_NAME);
    const read = await readConfigFile(file, this.rules);
    if (read) return read;
    const parent = path.dirname(folder);
    if (parent === folder) return { file: undefined, config: emptyConfig(), problems: [] };
    return this.forFolder(parent);
  }
}

/** Reads one configuration file; undefined when it does not exist. */
export async function readConfigFile(file: string, rules: readonly Rule[]): Promise<LoadedConfig | undefined> {
  let text: string;
  try {
    // Synchronous, without an exception when absent: asked once per folder, and most folders have none
    // (a migrations folder of 820 migrations asks 820 times).
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return undefined;
    if (stat.size > MAX_CONFIG_BYTES) return { file, config: emptyConfig(), problems: [{ path: '', message: `${CONFIG_FILE_NAME} is larger than 1 MB; it is ignored.` }] };
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { file, config: emptyConfig(), problems: [{ path: '', message: `${CONFIG_FILE_NAME} is not valid JSON (${error instanceof Error ? error.message : String(error)}); defaults apply.` }] };
  }
  return { file, ...parseConfig(value, rules) };
}

/** `file` relative to `folder` with `/` separators; `..` paths when it lies outside. */
function relativePath(folder: string, file: string): string {
  return path.relative(folder, file).split(path.sep).join('/');
}
