/**
 * Where the time of a profiled process goes: self time from the V8 CPU profile (`node --cpu-prof`)
 * by source file and by function. Frames of a bundle with a source map beside it (dist/server-main.js)
 * are named by their original file; native frames (`stat`, `readFileUtf8`) are named with the
 * JavaScript function that called them, which says more than the native name alone.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeMappings, originalPosition, type SourceMapLines } from './code-source-map';

export interface ProfileShare {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  /** Sampled time, added up over threads. */
  totalMs: number;
  /** Profiles read: one per thread. */
  threads: number;
  byFile: ProfileShare[];
  byFunction: ProfileShare[];
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

interface LoadedMap {
  lines: SourceMapLines;
  sources: string[];
}

/**
 * Source maps of bundles, by bundle path (loaded once; undefined when the bundle has none). Their
 * relative sources are resolved from `bundleHome`, the folder the bundle was built into, so that a
 * copy of the bundle run from elsewhere still names the repository's files.
 */
function mapLoader(bundleHome: string): (path: string) => LoadedMap | undefined {
  const maps = new Map<string, LoadedMap | undefined>();
  return (path) => {
    if (!maps.has(path)) {
      let loaded: LoadedMap | undefined;
      if (existsSync(`${path}.map`)) {
        const raw = JSON.parse(readFileSync(`${path}.map`, 'utf8')) as { mappings: string; sources: string[]; sourceRoot?: string };
        loaded = { lines: decodeMappings(raw.mappings), sources: raw.sources.map((source) => resolve(bundleHome, raw.sourceRoot ?? '', source)) };
      }
      maps.set(path, loaded);
    }
    return maps.get(path);
  };
}

function pathOf(url: string): string {
  try {
    return url.startsWith('file:') ? fileURLToPath(url) : url;
  } catch {
    return url;
  }
}

/** A short, stable name for where code lives: a package name, or a path relative to the repository. */
function placeOf(path: string, root: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inPackage) return inPackage[1]!;
  if (path.startsWith('node:')) return 'Node.js';
  return relative(root, path) || path;
}

function top(totals: Map<string, number>, totalMs: number, count: number): ProfileShare[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => ({ name, ms, share: ms / totalMs }));
}

/**
 * Summarizes the `.cpuprofile` files in `dir` (one per thread: the main thread and any worker),
 * adding up their self times; undefined when there is none.
 */
export function summarizeProfile(dir: string, root: string, bundleHome = join(root, 'dist')): ProfileSummary | undefined {
  let files: string[];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  } catch {
    return undefined;
  }
  if (files.length === 0) return undefined;
  const mapOf = mapLoader(bundleHome);
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    totalMs += addProfile(profile, root, bundleHome, mapOf, byFile, byFunction);
  }
  return { totalMs, threads: files.length, byFile: top(byFile, totalMs, 10), byFunction: top(byFunction, totalMs, 15) };
}

/** Adds one thread's self times to the totals; returns its sampled time. */
function addProfile(
  profile: CpuProfile,
  root: string,
  bundleHome: string,
  mapOf: (path: string) => LoadedMap | undefined,
  byFile: Map<string, number>,
  byFunction: Map<string, number>,
): number {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  /** The frame's original file and line, through the bundle's source map when there is one. */
  const locate = (frame: CallFrame): { place: string; line: number } => {
    const path = pathOf(frame.url);
    const map = path.endsWith('.js') ? mapOf(path) : undefined;
    const original = map ? originalPosition(map.lines, frame.lineNumber, frame.columnNumber) : undefined;
    if (map && original) return { place: placeOf(map.sources[original.source] ?? path, root), line: original.line + 1 };
    // Bundle code with no source (esbuild's module helpers): named as the bundle in dist/, wherever the copy ran.
    if (map) return { place: placeOf(join(bundleHome, basename(path)), root), line: frame.lineNumber + 1 };
    return { place: placeOf(path, root), line: frame.lineNumber + 1 };
  };
  const names = new Map<number, { place: string; name: string }>();
  const describe = (id: number): { place: string; name: string } => {
    const known = names.get(id);
    if (known) return known;
    const frame = nodes.get(id)!.callFrame;
    let described: { place: string; name: string };
    if (frame.url === '' && frame.functionName.startsWith('(')) {
      described = { place: frame.functionName, name: frame.functionName };
    } else if (frame.url === '') {
      // Native: named with its nearest caller outside Node.js's own modules (`fs/promises` calls `stat` for everyone).
      const isInternal = (frame: CallFrame) => frame.url === '' || frame.url.startsWith('node:');
      let caller = parents.get(id);
      while (caller !== undefined && isInternal(nodes.get(caller)!.callFrame)) caller = parents.get(caller);
      const by = caller === undefined ? undefined : describe(caller);
      described = { place: by ? by.place : '(native)', name: `${frame.functionName} (native) ← ${by ? by.name : 'top level'}` };
    } else {
      const { place, line } = locate(frame);
      described = { place, name: `${frame.functionName || '(anonymous)'} (${place}:${line})` };
    }
    names.set(id, described);
    return described;
  };

  let totalMs = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const node = nodes.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    totalMs += ms;
    const { place, name } = describe(id);
    byFile.set(place, (byFile.get(place) ?? 0) + ms);
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  });
  return totalMs;
}
