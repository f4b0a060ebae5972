/**
 * The unity-catalog target against the Unity Catalog OpenAPI spec: every payload validates with Ajv against
 * the spec's component schemas; the apply script (the static client apply.mts with the plan.mts built from the
 * contracts) type-checks (tsc, strict) against the TypeScript types that openapi-typescript produces from the same
 * spec at test time; and the apply logic runs, imported and as `npx tsx apply.mts`, against a local HTTP server
 * that implements the endpoints it calls as Unity Catalog does (it normalizes and reorders what it stores: the
 * facts in test/facts/unity-catalog/), validating every request body against the spec.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facts } from './helpers/facts.js';
import { generateFrom } from './helpers/generate.js';
import { unityCatalogKind, validateUnityCatalog } from './helpers/platform-refs.js';
import { reference, ROOT } from './helpers/reference.js';

const require = createRequire(import.meta.url);
const ucFacts = facts<{ normalizedUrl: { examples_from_test: Record<string, string> } }>('unity-catalog/server.json');
const specRef = reference('unitycatalog/unitycatalog-openapi-v0.6.0.yaml');

let files: Map<string, string>;
const validate = validateUnityCatalog;

beforeAll(async () => {
  files = (await generateFrom()).files;
});

const payloads = () => [...files.keys()].filter((p) => unityCatalogKind(p));

let tableIds = 0;

/**
 * A created table as Unity Catalog stores it and every GET returns it (test/facts/unity-catalog/server.json, read
 * from unitycatalog/unitycatalog v0.4.1 to v0.6.0): storage_location normalized (NormalizedURL), type_text
 * lower-cased, an omitted nullable stored as false, columns in no particular order (random UUID ids, no
 * @OrderBy: here, reversed), no properties when there are none, a new random table_id.
 */
function asUnityCatalogStores(t: Record<string, any>, full: string): Record<string, unknown> {
  const { properties, ...rest } = t;
  return {
    ...rest,
    ...(properties && Object.keys(properties).length ? { properties } : {}),
    storage_location: t.storage_location.replace(/\/+$/, '').replace(/(?<!:)\/{2,}/g, '/'),
    columns: [...t.columns].reverse().map((c: Record<string, unknown>) => ({ ...c, type_text: String(c.type_text).toLowerCase(), nullable: c.nullable ?? false })),
    full_name: full,
    table_id: `00000000-0000-4000-8000-${String(++tableIds).padStart(12, '0')}`,
    created_at: 1,
  };
}

describe.runIf(specRef.available)('unity-catalog target', () => {
  it('writes payloads that validate against the spec: CreateCatalog, CreateSchema, CreateTable', () => {
    expect(payloads().map(unityCatalogKind).sort()).toEqual(['CreateCatalog', 'CreateSchema', 'CreateSchema', ...Array(4).fill('CreateTable')]);
    for (const p of payloads()) expect(validate(unityCatalogKind(p)!, JSON.parse(files.get(p)!)), p).toBeNull();
  });

  it("gives every column a type_json that is a Spark StructField with the column's name and nullability (the server's check)", () => {
    for (const p of payloads().filter((x) => x.includes('/tables/'))) {
      const t = JSON.parse(files.get(p)!);
      expect(t.table_type).toBe('EXTERNAL');
      expect(t.storage_location).toMatch(/^s3:\/\/[^/]+\/.+/); // not a bare bucket root
      t.columns.forEach((c: Record<string, unknown>, i: number) => {
        const j = JSON.parse(c.type_json as string);
        expect(Object.keys(j).sort()).toEqual(['metadata', 'name', 'nullable', 'type']);
        expect(j.name).toBe(c.name);
        expect(j.nullable).toBe(c.nullable);
        expect(c.position).toBe(i);
        expect(typeof c.type_text).toBe('string');
      });
    }
    const rides = JSON.parse(files.get('unity-catalog/tables/trusted.rides.json')!);
    const last = rides.columns[rides.columns.length - 1];
    expect([last.name, last.partition_index]).toEqual(['requested_date', 0]); // partition columns last
    expect(rides.columns.find((c: { name: string }) => c.name === 'fare_amount')).toMatchObject({ type_name: 'DECIMAL', type_precision: 10, type_scale: 2, type_text: 'decimal(10,2)' });
    expect(rides.properties['pii.columns']).toBe('pickup_lat,pickup_lon,dropoff_lat,dropoff_lon');
  });

  it('type-checks the apply script against types openapi-typescript generates from the spec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-uc-tsc-'));
    const { default: openapiTS, astToString } = await import('openapi-typescript');
    writeFileSync(join(dir, 'uc-api.mts'), astToString(await openapiTS(pathToFileURL(specRef.path))));
    writeFileSync(join(dir, 'apply.mts'), files.get('unity-catalog/apply.mts')!);
    writeFileSync(join(dir, 'plan.mts'), files.get('unity-catalog/plan.mts')!);
    // the declaration that stands in for plan.mts in \`npm run typecheck\` promises no more than plan.mts gives
    copyFileSync(join(ROOT, 'templates/unity-catalog/typecheck/plan.d.mts'), join(dir, 'plan.stub.d.mts'));
    writeFileSync(
      join(dir, 'check.mts'),
      `import type { components } from './uc-api.mjs';
import { PLAN, apply, type CreateTable, type CreateSchema, type CreateCatalog, type ColumnInfo, type Action } from './apply.mjs';
import * as plan from './plan.mjs';
import type * as stub from './plan.stub.mjs';
export const stubPlan: typeof stub.PLAN = plan.PLAN;
export const stubUrl: typeof stub.DEFAULT_BASE_URL = plan.DEFAULT_BASE_URL;
type S = components['schemas'];
// every payload type of the script is assignable to the spec's request type
export const table: S['CreateTable'] = {} as CreateTable;
export const schema: S['CreateSchema'] = {} as CreateSchema;
export const catalog: S['CreateCatalog'] = {} as CreateCatalog;
export const column: S['ColumnInfo'] = {} as ColumnInfo;
export const tables: S['CreateTable'][] = PLAN.tables;
export const run: Promise<Action[]> = apply({ baseUrl: 'http://localhost', dryRun: true });
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')], skipLibCheck: true }, files: ['check.mts'] }),
    );
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    // and a wrong payload type does not type-check: the check can fail
    writeFileSync(join(dir, 'check.mts'), `import type { components } from './uc-api.mjs';\nexport const bad: components['schemas']['CreateTable'] = { name: 'x' };\n`);
    expect(spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' }).status).not.toBe(0);
  });

  describe('apply, against a local server that follows the spec', () => {
    let server: Server;
    let base = '';
    const state = { catalogs: new Map<string, Record<string, unknown>>(), schemas: new Map<string, Record<string, unknown>>(), tables: new Map<string, Record<string, unknown>>() };
    const requests: string[] = [];
    const violations: string[] = [];
    let apply: (o: { baseUrl: string; dryRun?: boolean; token?: string; log?: (s: string) => void }) => Promise<Array<{ method: string; path: string }>>;
    let runDir = '';

    beforeAll(async () => {
      const ts = require('typescript') as typeof import('typescript');
      const dir = mkdtempSync(join(tmpdir(), 'cg-uc-run-'));
      runDir = dir;
      for (const f of ['apply', 'plan']) {
        const js = ts.transpileModule(files.get(`unity-catalog/${f}.mts`)!, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
        writeFileSync(join(dir, `${f}.mjs`), js);
      }
      apply = (await import(pathToFileURL(join(dir, 'apply.mjs')).href)).apply;
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const url = new URL(req.url!, 'http://x');
          const path = url.pathname.replace('/api/2.1/unity-catalog', '');
          requests.push(`${req.method} ${path} ${req.headers.authorization ?? ''}`);
          const send = (status: number, json: unknown) => {
            res.writeHead(status, { 'content-type': 'application/json' });
            res.end(JSON.stringify(json));
          };
          const m = /^\/(catalogs|schemas|tables)(?:\/(.+))?$/.exec(path);
          if (!m) return send(404, { error_code: 'NOT_FOUND' });
          const kind = m[1] as 'catalogs' | 'schemas' | 'tables';
          const name = m[2] ? decodeURIComponent(m[2]) : undefined;
          const store = state[kind];
          const json = body ? JSON.parse(body) : undefined;
          const check = (schemaName: string) => {
            const problem = validate(schemaName, json);
            if (problem) violations.push(`${req.method} ${path}: ${problem}`);
          };
          if (req.method === 'GET' && name) return store.has(name) ? send(200, store.get(name)) : send(404, { error_code: 'NOT_FOUND', message: `${name} not found` });
          if (req.method === 'POST' && !name) {
            check({ catalogs: 'CreateCatalog', schemas: 'CreateSchema', tables: 'CreateTable' }[kind]);
            const full = kind === 'catalogs' ? json.name : kind === 'schemas' ? `${json.catalog_name}.${json.name}` : `${json.catalog_name}.${json.schema_name}.${json.name}`;
            if (store.has(full)) return send(409, { error_code: 'ALREADY_EXISTS' });
            store.set(full, kind === 'tables' ? asUnityCatalogStores(json, full) : { ...json, full_name: full, created_at: 1 });
            return send(200, kind === 'tables' ? { ...json, full_name: full } : store.get(full));
          }
          if (req.method === 'PATCH' && name && kind !== 'tables') {
            check(kind === 'catalogs' ? 'UpdateCatalog' : 'UpdateSchema');
            if (!store.has(name)) return send(404, { error_code: 'NOT_FOUND' });
            store.set(name, { ...store.get(name), ...json });
            return send(200, store.get(name));
          }
          if (req.method === 'DELETE' && name && kind === 'tables') {
            store.delete(name);
            return send(200, {});
          }
          return send(405, { error_code: 'METHOD_NOT_ALLOWED' });
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const a = server.address();
      base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/api/2.1/unity-catalog`;
    });
    afterAll(() => server?.close());

    it('plans without writing in dry-run mode', async () => {
      const actions = await apply({ baseUrl: base, dryRun: true, log: () => {} });
      expect(actions.map((a) => a.method)).toEqual(['POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST']);
      expect(requests.every((r) => r.startsWith('GET'))).toBe(true);
      expect(state.tables.size).toBe(0);
    });

    it('runs as `UC_URL=… npx tsx apply.mts --dry-run` from the generated folder', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cg-uc-cli-'));
      for (const f of ['apply.mts', 'plan.mts']) writeFileSync(join(dir, f), files.get(`unity-catalog/${f}`)!);
      const before = requests.length;
      const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'apply.mts', '--dry-run'], { cwd: dir, env: { PATH: process.env.PATH ?? '', UC_URL: base, UC_TOKEN: 't0ken' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const code = await new Promise((r) => child.once('exit', r));
      expect(code, out).toBe(0);
      expect(out).toContain('would POST /tables');
      expect(out).toContain('7 change(s)'); // the dry run above wrote nothing
      expect(requests.slice(before).every((r) => r.startsWith('GET ') && r.endsWith('Bearer t0ken'))).toBe(true);
      expect(requests.length).toBeGreaterThan(before);
    });

    it('creates the catalog, schemas and tables, sending the token, with bodies that follow the spec', async () => {
      const actions = await apply({ baseUrl: base, token: 's3cret', log: () => {} });
      expect(actions).toHaveLength(7);
      expect([...state.tables.keys()].sort()).toEqual(['ride_lake.raw.rides', 'ride_lake.raw.users', 'ride_lake.trusted.rides', 'ride_lake.trusted.users']);
      expect(requests.filter((r) => r.startsWith('POST')).every((r) => r.endsWith('Bearer s3cret'))).toBe(true);
      expect(violations).toEqual([]);
    });

    it('is idempotent against what the server stores (normalized locations, column order, defaults): a second run writes nothing, and no table id changes', async () => {
      const ids = [...state.tables.values()].map((t) => t.table_id);
      expect(await apply({ baseUrl: base, log: () => {} })).toEqual([]);
      expect([...state.tables.values()].map((t) => t.table_id)).toEqual(ids);
    });

    it('matches the server\'s NormalizedURL on the examples of its own test (facts)', async () => {
      const { normalizeLocation } = (await import(pathToFileURL(join(runDir, 'apply.mjs')).href)) as { normalizeLocation: (u: string) => string };
      const examples = Object.entries(ucFacts.normalizedUrl.examples_from_test).filter(([input, out]) => /^(s3|gs|abfss?):\/\//.test(input) && !out.startsWith('error'));
      expect(examples.length).toBeGreaterThan(5);
      for (const [input, out] of examples) expect(normalizeLocation(input), input).toBe(out);
      expect(normalizeLocation('s3://b/a/./c/../d/')).toBe('s3://b/a/d'); // derived_facts: . and .. resolved
    });

    it('updates what drifted: a changed schema is patched, a changed table re-created', async () => {
      state.schemas.set('ride_lake.raw', { ...state.schemas.get('ride_lake.raw'), comment: 'edited by hand' });
      state.tables.set('ride_lake.trusted.users', { ...state.tables.get('ride_lake.trusted.users'), columns: [] });
      const lines: string[] = [];
      const actions = await apply({ baseUrl: base, log: (l) => lines.push(l) });
      expect(actions.map((a) => `${a.method} ${decodeURIComponent(a.path)}`)).toEqual(['PATCH /schemas/ride_lake.raw', 'DELETE /tables/ride_lake.trusted.users', 'POST /tables']);
      expect(lines).toContain('ride_lake.trusted.users changed: re-creating it gives it a new table id and drops its grants');
      expect(await apply({ baseUrl: base, log: () => {} })).toEqual([]);
      expect(violations).toEqual([]);
    });
  });
});
