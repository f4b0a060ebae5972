/**
 * Build step after tsc:
 * - compiles contractgen's JSON Schemas to standalone validation code with Ajv, so `contractgen lint` does not
 *   pay Ajv's compile time (about 400 ms for the ODCS schema) on every run: dist/validate/compiled/<kind>.cjs,
 *   next to schema-check.js, which loads them when present;
 * - makes V8's code cache of each (<kind>.cjs.cache, read by validate/compiled.ts) after it has validated the
 *   repository's contracts, config and fixtures, so that the cache holds the functions a contract exercises;
 * - bundles the CLI into one CommonJS file, dist/cli/run.bundle.cjs (esbuild, when it is installed; the packages
 *   stay outside), and makes V8's code cache of it after a `contractgen lint` of the repository's contracts: the
 *   bins start from it (cli/bundle.ts), reading one file instead of forty ES modules;
 * - marks the bins executable: a rebuild recreates them without the bit, and `npx generate` runs the file itself.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../validate/schemas/config.js';
import { dcsSchema } from '../validate/schemas/dcs.js';
import { odcs32Schema, odcsSchema } from '../validate/schemas/odcs.js';
import { loadYaml } from '../load/yaml.js';
import { cacheFileOf, runCommonJs } from '../load/commonjs.js';
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
  odcs: all.filter((d) => isObj(d) && 'apiVersion' in d && d.apiVersion !== 'v3.2.0'),
  odcs32: all.filter((d) => isObj(d) && d.apiVersion === 'v3.2.0'),
  dcs: all.filter((d) => isObj(d) && 'dataContractSpecification' in d),
  config: all.filter((d) => isObj(d) && d.version === 1 && !('apiVersion' in d) && !('kind' in d)),
};
for (const kind of ['odcs', 'odcs32', 'dcs', 'config']) {
  const file = join(out, `${kind}.cjs`);
  const compiled = runCommonJs(file);
  const validate = compiled.exports as (d: unknown) => boolean;
  for (const d of byKind[kind] ?? []) validate(d);
  writeFileSync(cacheFileOf(file), compiled.script.createCachedData());
}

// The CLI in one file, and V8's code for what a lint runs.
interface Esbuild {
  buildSync(options: Record<string, unknown>): unknown;
}
const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli');
const bundle = join(cliDir, 'run.bundle.cjs');
rmSync(bundle, { force: true });
rmSync(cacheFileOf(bundle), { force: true });
let esbuild: Esbuild | undefined;
try {
  esbuild = require('esbuild') as Esbuild;
} catch {
  esbuild = undefined; // the bins start from the modules
}
if (esbuild) {
  esbuild.buildSync({
    stdin: { contents: "export { runProcess } from './run.js';\nexport { main } from './main.js';\n", resolveDir: cliDir, sourcefile: 'bundle-entry.js', loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // the packages stay outside, loaded when the code that needs them runs; js-yaml, which every contract needs, is
    // inside (its ES build, one file), compiled with the rest and in the code cache
    external: Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {}).filter((d) => d !== 'js-yaml'),
    outfile: bundle,
    // every module's import.meta.url is the bundle's: dist/cli/, where each path the code builds from it resolves
    define: { 'import.meta.url': '__contractgen_module_url' },
    banner: { js: '// Generated by generator/build/postbuild.ts from dist/ (esbuild): the CLI in one file, see generator/cli/bundle.ts. DO NOT EDIT.\nconst __contractgen_module_url = require("node:url").pathToFileURL(__filename).href;' },
    // import() of a package becomes require(): code run from a vm.Script cannot import() on Node 20
    supported: { 'dynamic-import': false },
    logLevel: 'warning',
  });
  const run = runCommonJs(bundle);
  const { main } = run.exports as { main(argv: readonly string[], io: { cwd: string; env: NodeJS.ProcessEnv; stdout(s: string): void; stderr(s: string): void; isTTY: boolean }): Promise<number> };
  await main(['lint'], { cwd: root, env: {}, stdout: () => undefined, stderr: () => undefined, isTTY: false });
  writeFileSync(cacheFileOf(bundle), run.script.createCachedData());
}

for (const bin of ['contractgen.js', 'generate.js']) chmodSync(join(cliDir, bin), 0o755);
