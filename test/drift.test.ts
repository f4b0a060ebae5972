/**
 * `contractgen drift`: the contracts against what a source really has, with the rule IDs of `contractgen
 * breaking` (contract ⇄ source). On a live PostgreSQL started by the test: none when the database is what the
 * contract generated; then a column added, one dropped, one retyped, one made nullable and a constraint dropped,
 * each with its rule ID, at the contract's line. From files: DDL, CQL and Avro. And the failures.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { cli } from './helpers/cli.js';
import { startPg, type PgCluster } from './helpers/pg.js';
import { ROOT } from './helpers/reference.js';

let cluster: PgCluster;
let repo: string;

/** A database made from the generated DDL, which the test then changes (committed: the catalog reader must not wait on a lock). */
async function usersDb(name: string): Promise<pg.Client> {
  const admin = await cluster.client();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const db = await cluster.client(name);
  await db.query(readFileSync(join(ROOT, 'generated/postgres/users.sql'), 'utf8'));
  return db;
}

beforeAll(async () => {
  cluster = await startPg();
  await (await usersDb('app')).end();
  // a repository of contracts, as a team has it
  repo = mkdtempSync(join(tmpdir(), 'cg-drift-'));
  cpSync(join(ROOT, 'contracts'), join(repo, 'contracts'), { recursive: true });
  cpSync(join(ROOT, 'contractgen.config.yaml'), join(repo, 'contractgen.config.yaml'));
}, 180_000);

afterAll(() => cluster?.stop());

const url = (db = 'app') => `postgresql://${cluster.user}:${cluster.password}@127.0.0.1:${cluster.port}/${db}`;

/** `rule field` of every reported difference, sorted. */
const found = (stderr: string) =>
  [...stderr.matchAll(/^contracts\/users\.odcs\.yaml:\d+:\d+: (?:error|warning|info) ([A-Z_]+) (?:required )?(?:field )?"users\.([A-Za-z_]+)/gm)].map((m) => `${m[1]} ${m[2]}`).sort();

describe('drift against a live PostgreSQL', () => {
  it('finds nothing when the database is what the contract generated', async () => {
    const r = await cli(['drift', '--source', url()], repo);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 dataset compared with postgresql:\/\/postgres@127\.0\.0\.1:\d+\/app: 0 breaking differences, 0 others/);
  });

  it('finds a column added, one dropped, one retyped, one made nullable and a dropped constraint, each with its rule ID', async () => {
    const db = await usersDb('changed');
    try {
      await db.query(`ALTER TABLE public.users ADD COLUMN nickname text`);
      await db.query(`ALTER TABLE public.users ADD COLUMN tenant_id integer NOT NULL DEFAULT 1`);
      await db.query(`ALTER TABLE public.users ALTER COLUMN tenant_id DROP DEFAULT`);
      await db.query(`ALTER TABLE public.users DROP COLUMN phone`);
      await db.query(`ALTER TABLE public.users ALTER COLUMN city TYPE varchar(50)`);
      await db.query(`ALTER TABLE public.users ALTER COLUMN updated_at DROP NOT NULL`);
      await db.query(`ALTER TABLE public.users DROP CONSTRAINT users_status_check`);
      await db.query(`ALTER TABLE public.users DROP CONSTRAINT users_document_number_pattern`);
      const r = await cli(['drift', '--source', url('changed')], repo);
      expect(r.code, r.stderr).toBe(1);
      expect(found(r.stderr)).toEqual(
        [
          'FIELD_ADDED nickname',
          'FIELD_ADDED_REQUIRED tenant_id',
          'FIELD_REMOVED phone',
          'FIELD_TYPE_CHANGED city',
          'FIELD_MADE_OPTIONAL updated_at',
          'CONSTRAINT_LOOSENED status',
          'CONSTRAINT_LOOSENED document_number',
        ].sort(),
      );
      // positioned at the contract, with the source in the message
      const removed = r.stderr.split('\n').find((l) => l.includes('FIELD_REMOVED'))!;
      const line = Number(/^contracts\/users\.odcs\.yaml:(\d+):/.exec(removed)![1]);
      expect(readFileSync(join(repo, 'contracts/users.odcs.yaml'), 'utf8').split('\n')[line - 1]).toMatch(/- name: phone/);
      expect(removed).toMatch(/error FIELD_REMOVED field "users\.phone" is not in the source/);
      expect(r.stderr).toMatch(/error FIELD_TYPE_CHANGED "users\.city" changed type from string\(100\) to string\(50\) \(narrowing\) \(source: postgresql:\/\/postgres@127\.0\.0\.1:\d+\/changed#public\.users:\d+:1\)/);
      expect(r.stderr).toMatch(/warning FIELD_MADE_OPTIONAL "users\.updated_at" became optional/);
      expect(r.stderr).toMatch(/info CONSTRAINT_LOOSENED "users\.status": value set removed/);
      // the GitHub format annotates the contract's lines; json carries the same changes
      const gh = await cli(['drift', '--source', url('changed'), '--format', 'github'], repo);
      expect(gh.stdout + gh.stderr).toMatch(/^::error file=contracts\/users\.odcs\.yaml,line=\d+,col=\d+,title=FIELD_REMOVED::/m);
      const json = await cli(['drift', '--source', url('changed'), '--format', 'json'], repo);
      expect((JSON.parse(json.stdout) as Array<{ rule: string }>).map((c) => c.rule)).toContain('FIELD_TYPE_CHANGED');
    } finally {
      await db.end();
    }
  });

  it('a dropped table is DATASET_REMOVED', async () => {
    const db = await usersDb('renamed');
    try {
      await db.query('ALTER TABLE public.users RENAME TO users_old');
      const r = await cli(['drift', '--source', url('renamed')], repo);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^contracts\/users\.odcs\.yaml:\d+:\d+: error DATASET_REMOVED dataset "users" is not in the source \(not in postgresql:/m);
    } finally {
      await db.end();
    }
  });

  it('an empty database, an unreachable one, and contracts with errors: clear errors, never exit 3', async () => {
    const admin = await cluster.client();
    await admin.query('CREATE DATABASE empty');
    await admin.end();
    const empty = await cli(['drift', '--source', url('empty')], repo);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/error IMPORT_EMPTY .* has no table to compare with the contracts/);
    const down = await cli(['drift', '--source', 'postgresql://postgres@127.0.0.1:1/app'], repo);
    expect(down.code).toBe(2);
    const broken = mkdtempSync(join(tmpdir(), 'cg-drift-'));
    mkdirSync(join(broken, 'contracts'));
    writeFileSync(join(broken, 'contracts/x.yaml'), 'apiVersion: v3.1.0\nkind: DataContract\n');
    const bad = await cli(['drift', '--source', url()], broken);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/the contracts have errors/);
  });
});

describe('drift against files', () => {
  it('PostgreSQL DDL: the generated DDL has no drift; an edited one has', async () => {
    const ddl = readFileSync(join(ROOT, 'generated/postgres/users.sql'), 'utf8');
    writeFileSync(join(repo, 'users.sql'), ddl);
    const same = await cli(['drift', '--source', 'users.sql'], repo);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toMatch(/0 breaking differences, 0 others/);
    writeFileSync(join(repo, 'users-edited.sql'), ddl.replace('    email varchar(320) NOT NULL,\n', '    email varchar(320) NOT NULL,\n    locale text,\n').replace('birth_date date,', 'birth_date text,'));
    const edited = await cli(['drift', '--source', 'users-edited.sql'], repo);
    expect(edited.code).toBe(1);
    // the date bound no longer fits the column's type: kept whole in the source, so the contract's minimum is loosened too
    expect(found(edited.stderr)).toEqual(['CONSTRAINT_LOOSENED birth_date', 'FIELD_ADDED locale', 'FIELD_TYPE_CHANGED birth_date']);
    // the source position is the DDL file's line
    expect(edited.stderr).toMatch(/"users\.birth_date" changed type from date to string.*\(source: users-edited\.sql:12:5\)/);
  });

  it('CQL: the generated CQL has no drift (Cassandra states no NOT NULL and no constraints: not reported)', async () => {
    writeFileSync(join(repo, 'rides.cql'), readFileSync(join(ROOT, 'generated/cassandra/rides.cql')));
    const r = await cli(['drift', '--source', 'rides.cql'], repo);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 dataset compared with rides\.cql: 0 breaking differences, 0 others/);
    const edited = readFileSync(join(ROOT, 'generated/cassandra/rides.cql'), 'utf8').replace('    rating smallint,\n', '').replace('distance_km double', 'distance_km float');
    writeFileSync(join(repo, 'rides-edited.cql'), edited);
    const d = await cli(['drift', '--source', 'rides-edited.cql'], repo);
    expect(d.code).toBe(1);
    expect([...d.stderr.matchAll(/ (FIELD_[A-Z_]+) (?:field )?"rides\.([a-z_]+)"/g)].map((m) => `${m[1]} ${m[2]}`).sort()).toEqual(['FIELD_REMOVED rating', 'FIELD_TYPE_CHANGED distance_km']);
  });

  it('Avro: the generated schemas have no drift', async () => {
    const r = await cli(['drift', '--source', join(ROOT, 'generated/avro/ridehailing.public.users')], repo);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 dataset compared with .*: 0 breaking differences, 0 others/);
  });
});
