/** Starts a throwaway PostgreSQL 15 (Debian's binaries, `initdb` in a temp folder, unix socket only) for tests. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

export interface TestPostgres {
  /** `postgresql://postgres@localhost:<port>/postgres?host=<socket folder>` */
  url: string;
  socketDir: string;
  port: number;
  stop(): void;
}

export function postgresAvailable(): boolean {
  return existsSync(join(POSTGRES_BIN, 'initdb')) && existsSync(join(POSTGRES_BIN, 'pg_ctl'));
}

/** PostgreSQL refuses to run as root: as root, the server runs as the `postgres` system user. */
function asServerUser(): Pick<SpawnSyncOptions, 'uid' | 'gid'> {
  if (process.getuid?.() !== 0) return {};
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0) throw new Error('running as root needs the postgres system user to start PostgreSQL');
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function run(command: string, args: string[], options: SpawnSyncOptions): void {
  const result = spawnSync(join(POSTGRES_BIN, command), args, { encoding: 'utf8', ...options });
  if (result.status !== 0) throw new Error(`${command} failed: ${String(result.stderr ?? '')}${String(result.stdout ?? '')}`);
}

export function startPostgres(): TestPostgres {
  const root = mkdtempSync(join(tmpdir(), 'prisma-lens-pg-'));
  const user = asServerUser();
  if (user.uid !== undefined) chownSync(root, user.uid, user.gid!);
  const dataDir = join(root, 'data');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const options: SpawnSyncOptions = { ...user, cwd: root, env: { ...process.env, LC_ALL: 'C' } };
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], options);
  // No TCP listener: the socket lives in the temp folder, so parallel runs never collide.
  run('pg_ctl', ['-D', dataDir, '-l', join(root, 'server.log'), '-w', '-o', `-k ${root} -p ${port} -c listen_addresses= -c fsync=off`, 'start'], options);
  let stopped = false;
  return {
    url: `postgresql://postgres@localhost:${port}/postgres?host=${encodeURIComponent(root)}`,
    socketDir: root,
    port,
    stop() {
      if (stopped) return;
      stopped = true;
      spawnSync(join(POSTGRES_BIN, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], { ...options, encoding: 'utf8' });
      rmSync(root, { recursive: true, force: true });
    },
  };
}
