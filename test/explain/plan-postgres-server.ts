/**
 * A throwaway PostgreSQL 15 for the plan tests: Debian's binaries, `initdb` in a temp folder with a
 * password (SCRAM), listening on a unix socket in that folder and on a loopback port; stopped and
 * deleted afterwards.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';
export const TEST_PASSWORD = 'lens-secret';

export interface PasswordPostgres {
  /** Over the unix socket, with the right password. */
  url: string;
  /** Over loopback TCP, with the right password. */
  tcpUrl: string;
  port: number;
  socketDir: string;
  stop(): void;
}

export function postgres15Available(): boolean {
  return existsSync(join(POSTGRES_BIN, 'initdb')) && existsSync(join(POSTGRES_BIN, 'pg_ctl'));
}

/** PostgreSQL refuses to run as root: as root, the server runs as the `postgres` system user. */
function serverUser(): Pick<SpawnSyncOptions, 'uid' | 'gid'> {
  if (process.getuid?.() !== 0) return {};
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0) throw new Error('running as root needs the postgres system user to start PostgreSQL');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function run(command: string, args: string[], options: SpawnSyncOptions): void {
  const result = spawnSync(join(POSTGRES_BIN, command), args, { encoding: 'utf8', ...options });
  if (result.status !== 0) throw new Error(`${command} failed: ${String(result.stderr ?? '')}${String(result.stdout ?? '')}`);
}

/** A loopback port nothing listens on at the moment. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPasswordPostgres(): Promise<PasswordPostgres> {
  const root = mkdtempSync(join(tmpdir(), 'prisma-lens-plan-pg-'));
  const user = serverUser();
  const passwordFile = join(root, 'password');
  writeFileSync(passwordFile, `${TEST_PASSWORD}\n`);
  if (user.uid !== undefined) {
    chownSync(root, user.uid, user.gid!);
    chownSync(passwordFile, user.uid, user.gid!);
  }
  const dataDir = join(root, 'data');
  const port = await freePort();
  const options: SpawnSyncOptions = { ...user, cwd: root, env: { ...process.env, LC_ALL: 'C' } };
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '--no-sync', '-E', 'UTF8'], options);
  run('pg_ctl', ['-D', dataDir, '-l', join(root, 'server.log'), '-w', '-o', `-k ${root} -p ${port} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'], options);
  let stopped = false;
  return {
    url: `postgresql://postgres:${TEST_PASSWORD}@localhost:${port}/postgres?host=${encodeURIComponent(root)}`,
    tcpUrl: `postgresql://postgres:${TEST_PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    socketDir: root,
    stop() {
      if (stopped) return;
      stopped = true;
      spawnSync(join(POSTGRES_BIN, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], { ...options, encoding: 'utf8' });
      rmSync(root, { recursive: true, force: true });
    },
  };
}
