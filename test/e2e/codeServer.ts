/** Installs, configures, starts and stops a private code-server (VS Code in the browser) for end-to-end tests. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');
export const codeServerBin = join(repoRoot, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');

/** Settings that keep first-run UI (welcome page, walkthroughs, trust prompts, tips) out of the way. */
const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'files.autoSave': 'off',
  'editor.lightbulb.enabled': 'on',
  'editor.minimap.enabled': false,
  'editor.stickyScroll.enabled': false,
  'editor.hover.enabled': false,
  'problems.sortOrder': 'position',
  'window.commandCenter': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/**
 * The environment code-server runs in, without variables that would redirect it: PORT overrides
 * --bind-addr, and VSCODE_IPC_HOOK_CLI (set in VS Code's own terminal) hands commands to that
 * VS Code instead.
 */
function codeServerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ['PORT', 'VSCODE_IPC_HOOK_CLI', 'VSCODE_PROXY_URI', 'PASSWORD', 'HASHED_PASSWORD']) delete env[name];
  return env;
}

/** Runs the offline installer, which returns at once when code-server is already installed. */
export function ensureCodeServer(): void {
  const result = spawnSync('bash', [join(repoRoot, 'test', 'e2e', 'install-code-server.sh')], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (result.status !== 0 || !existsSync(codeServerBin)) {
    throw new Error(`installing code-server failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** The directories one code-server instance owns; nothing is written to the user's home. */
export interface Profile {
  userDataDir: string;
  extensionsDir: string;
  configFile: string;
}

/** Creates a fresh profile under `root` with the quiet settings written in. */
export function createProfile(root: string, extraSettings: Record<string, unknown> = {}): Profile {
  const profile = {
    userDataDir: join(root, 'user-data'),
    extensionsDir: join(root, 'extensions'),
    configFile: join(root, 'config.yaml'),
  };
  mkdirSync(join(profile.userDataDir, 'User'), { recursive: true });
  mkdirSync(profile.extensionsDir, { recursive: true });
  writeFileSync(
    join(profile.userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...quietSettings, ...extraSettings }, null, 2),
  );
  writeFileSync(profile.configFile, 'auth: none\ncert: false\n');
  return profile;
}

function profileArgs(profile: Profile): string[] {
  return [
    '--config', profile.configFile,
    '--user-data-dir', profile.userDataDir,
    '--extensions-dir', profile.extensionsDir,
  ];
}

/** Installs a .vsix into the profile's extensions directory with code-server's own CLI. */
export function installExtension(profile: Profile, vsix: string): void {
  const result = spawnSync(codeServerBin, [...profileArgs(profile), '--install-extension', vsix], {
    encoding: 'utf8',
    env: codeServerEnv(),
  });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsix} into code-server failed (exit ${result.status}):\n${output}`);
  }
}

export interface CodeServer {
  /** Base URL, e.g. http://127.0.0.1:41234/ */
  url: string;
  /** Everything code-server wrote to stdout and stderr so far. */
  log(): string;
  /** Stops code-server and every process it started (extension host, language servers). */
  stop(): Promise<void>;
}

export interface StartOptions {
  profile: Profile;
  /** Extra environment for code-server and, through it, the extension host. */
  env?: Record<string, string>;
  /** How long to wait for code-server to report its listening address. */
  timeoutMs?: number;
}

/**
 * Starts code-server on a free loopback port (the kernel picks it: --bind-addr 127.0.0.1:0)
 * and resolves once code-server reports the address it listens on.
 */
export function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const { profile, env = {}, timeoutMs = 60_000 } = options;
  const child = spawn(
    process.execPath,
    [
      codeServerBin,
      ...profileArgs(profile),
      '--bind-addr', '127.0.0.1:0',
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ],
    {
      // A process group of its own, so stop() reaches the extension host and language servers too.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: codeServerEnv(env),
    },
  );
  let output = '';
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  // If the test process dies without running its teardown, take code-server with it.
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: Omit<CodeServer, 'url'> = {
    log: () => output,
    async stop() {
      process.removeListener('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        killGroup('SIGTERM');
        await deadline(exited, 15_000).catch(() => undefined);
      }
      // The extension host and language servers may outlive code-server's main process.
      killGroup('SIGKILL');
    },
  };

  return new Promise<CodeServer>((resolve, reject) => {
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void server.stop().then(() => reject(new Error(`${message}\n--- code-server output ---\n${output}`)));
    };
    const timer = setTimeout(() => fail(`code-server did not start listening within ${timeoutMs} ms`), timeoutMs);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (settled) return;
      const listening = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (listening) {
        settled = true;
        clearTimeout(timer);
        resolve({ ...server, url: listening[1] });
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('error', (error) => fail(`could not start code-server: ${error.message}`));
    child.once('exit', (code, signal) => fail(`code-server exited early (code ${code}, signal ${signal})`));
  });
}

/** Rejects when `promise` has not settled within `ms`. */
export function deadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
