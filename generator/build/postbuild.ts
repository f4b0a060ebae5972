/**
 * Build step after tsc:
 * - compiles contractgen's JSON Schemas to standalone validation code with Ajv, so `contractgen lint` does not
 *   pay Ajv's compile time (about 400 ms for the ODCS schema) on every run: dist/validate/compiled/<kind>.cjs,
 *   next to schema-check.js, which loads them when present;
 * - marks the bins executable: a rebuild recreates them without the bit, and `npx generate` runs the file itself.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../validate/schemas/config.js';
import { dcsSchema } from '../validate/schemas/dcs.js';
import { odcs32Schema, odcsSchema } from '../validate/schemas/odcs.js';
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
  ['odcs32', odcs32Schema, require('ajv/dist/2019').default],
  ['dcs', dcsSchema, require('ajv').default],
  ['config', configSchema, require('ajv').default],
] as const) {
  const ajv = new Ctor(opts);
  addFormats(ajv);
  const code = standalone(ajv, ajv.compile(schema));
  writeFileSync(join(out, `${kind}.cjs`), `// Generated at build time from generator/validate/schemas/${kind}.ts. DO NOT EDIT.\n${code}\n`);
}

for (const bin of ['contractgen.js', 'generate.js']) chmodSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', bin), 0o755);
