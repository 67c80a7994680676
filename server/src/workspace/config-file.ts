/**
 * Finds and reads the project's `.prismalens.json`: the nearest one in the folder of the analysed
 * file or any folder above it. Read results are cached per folder until invalidated (the server
 * watches the file), and a broken file is reported, never fatal: its rules fall back to defaults.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, emptyConfig, parseConfig, type ConfigProblem, type LensConfig } from '../analysis/policy/config';
import type { Rule } from '../analysis/rules/types';

export interface LoadedConfig {
  /** The file that was read; undefined when no folder above holds one. */
  file: string | undefined;
  config: LensConfig;
  problems: ConfigProblem[];
}

const MAX_CONFIG_BYTES = 1024 * 1024;

export class ConfigFiles {
  /** Folder → the loaded configuration that applies to it. */
  private readonly byFolder = new Map<string, Promise<LoadedConfig>>();

  constructor(private readonly rules: readonly Rule[]) {}

  /** The configuration that applies to a file or folder. */
  forPath(fileOrFolder: string, isFolder = false): Promise<LoadedConfig> {
    return this.forFolder(isFolder ? fileOrFolder : path.dirname(fileOrFolder));
  }

  /** Forgets everything; called when a `.prismalens.json` is created, changed or deleted. */
  invalidate(): void {
    this.byFolder.clear();
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
    const stat = await fs.stat(file);
    if (!stat.isFile()) return undefined;
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
