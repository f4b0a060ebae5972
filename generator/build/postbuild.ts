/**
 * Build step after tsc:
 * - compiles contractgen's JSON Schemas to standalone validation code with Ajv, so `contractgen lint` does not
 *   pay Ajv's compile time (about 400 ms for the ODCS schema) on every run: dist/validate/compiled/<kind>.cjs,
 *   next to schema-check.js, which loads them when present;
 * - makes V8's code cache of each (<kind>.cjs.cache, read by validate/compiled.ts) after it has validated the
 *   repository's contracts, config and fixtures, so that the cache holds the functions a contract exercises;
 * - marks the bins executable: a rebuild recreates them without the bit, and `npx generate` runs the file itself.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../validate/schemas/config.js';
import { dcsSchema } from '../validate/schemas/dcs.js';
import { odcsSchema } from '../validate/schemas/odcs.js';
import { loadYaml } from '../load/yaml.js';
import { cacheFileOf, runCommonJs } from '../validate/compiled.js';
import { AJV_OPTIONS } from '../validate/schema-check.js';

const require = createRequire(import.meta.url);
const { _ } = require('ajv') as { _: (s: TemplateStringsArray) => unknown };
const standalone = require('ajv/dist/standalone').default as (ajv: unknown, v: unknown) => string;
const addFormats = require('ajv-formats') as (a: unknown) => void;

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'validate', 'compiled');
mkdirSync(out, { recursive: true });
const opts = { ...AJV_OPTIONS, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } };
for (const [kind, schema, Ctor] of [
  ['odcs', odcsSchema, require('ajv/dist/2019').default],
  ['dcs', dcsSchema, require('ajv').default],
  ['config', configSchema, require('ajv').default],
] as const) {
  const ajv = new Ctor(opts);
  addFormats(ajv);
  const code = standalone(ajv, ajv.compile(schema));
  writeFileSync(join(out, `${kind}.cjs`), `// Generated at build time from generator/validate/schemas/${kind}.ts. DO NOT EDIT.\n${code}\n`);
}

/** YAML and JSON files under the package root's folders, parsed; what cannot be read is left out. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
function samples(dirs: readonly string[]): unknown[] {
  const out: unknown[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      if (/\.ya?ml$/.test(dir)) read(dir); // a file named on its own
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name !== 'node_modules') walk(p);
      else if (e.isFile() && /\.(ya?ml|json)$/.test(e.name)) read(p);
    }
  };
  const read = (p: string): void => {
    try {
      const { doc } = loadYaml(p, readFileSync(p, 'utf8'));
      if (doc) out.push(doc.data);
    } catch {
      /* a hostile fixture or no such file: not a sample */
    }
  };
  for (const d of dirs) walk(join(root, d));
  return out;
}
const all = samples(['contractgen.config.yaml', 'contracts', 'test/fixtures', 'test/golden', 'examples']);
const isObj = (d: unknown): d is Record<string, unknown> => typeof d === 'object' && d !== null && !Array.isArray(d);
const byKind: Record<string, unknown[]> = {
  odcs: all.filter((d) => isObj(d) && 'apiVersion' in d),
  dcs: all.filter((d) => isObj(d) && 'dataContractSpecification' in d),
  config: all.filter((d) => isObj(d) && d.version === 1 && !('apiVersion' in d) && !('kind' in d)),
};
for (const kind of ['odcs', 'dcs', 'config']) {
  const file = join(out, `${kind}.cjs`);
  const compiled = runCommonJs(file);
  const validate = compiled.exports as (d: unknown) => boolean;
  for (const d of byKind[kind] ?? []) validate(d);
  writeFileSync(cacheFileOf(file), compiled.script.createCachedData());
}

for (const bin of ['contractgen.js', 'generate.js']) chmodSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', bin), 0o755);
