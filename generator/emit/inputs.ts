/**
 * The inputs hash of a target: one SHA-256 over everything its output is a function of, so that an unchanged hash
 * means the target would write the same files again.
 * - the contracts: each one's path as the headers show it (relative to the working directory) and its contents,
 *   in the order the analysis read them;
 * - the config file's contents (or its absence: the defaults);
 * - the target's folder under templates/: its Handlebars templates and static files (and anything else in it);
 * - the generator: every module of the code that runs (dist/ when built, generator/ from source) and the package
 *   version of contractgen and of each of its dependencies (prettier, ts-morph, Handlebars, yaml …), as installed.
 * Nothing else reaches a target: targets are pure functions of the model, the config and their templates, and the
 * output is the same under every time zone, locale and Node version (test/generate.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { cmp } from '../diagnostics/diagnostic.js';
import { TEMPLATE_ROOT } from './templates.js';

/** Where a run read its inputs from. */
export interface InputSources {
  cwd: string;
  /** the contract files, as the analysis lists them (display paths, relative to cwd) */
  contracts: readonly string[];
  /** the config file, resolved against cwd; undefined: none (the defaults) */
  configFile: string | undefined;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Every regular file under dir whose name `keep` accepts, as sorted relative paths with forward slashes. */
function filesUnder(dir: string, keep: (name: string) => boolean, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(join(dir, prefix), { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return entries
    .flatMap((d) => (d.isDirectory() ? filesUnder(dir, keep, `${prefix}${d.name}/`) : d.isFile() && keep(d.name) ? [`${prefix}${d.name}`] : []))
    .sort(cmp);
}

/** One hash over a folder's files: each path and its contents. */
function treeHash(dir: string, keep: (name: string) => boolean = () => true): string {
  const h = createHash('sha256');
  for (const rel of filesUnder(dir, keep)) h.update(`${rel}\0`).update(readFileSync(join(dir, rel))).update('\0');
  return h.digest('hex');
}

/** The code root: dist/ when running the build, generator/ when running from source (this module is <root>/emit/). */
const CODE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE_ROOT = resolve(CODE_ROOT, '..');

/** The version of an installed package, found the way Node finds it (node_modules of each folder up the tree). */
function installedVersion(name: string): string {
  for (let dir = PACKAGE_ROOT; ; dir = dirname(dir)) {
    try {
      const v = (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version?: unknown }).version;
      return typeof v === 'string' ? v : 'unknown';
    } catch {
      if (dirname(dir) === dir) return 'not installed';
    }
  }
}

let generator: string | undefined;

/** The generator's identity: its code, contractgen's version and its dependencies' installed versions. Once per process. */
export function generatorHash(): string {
  if (generator !== undefined) return generator;
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string; dependencies?: Record<string, string> };
  const deps = Object.keys(pkg.dependencies ?? {})
    .sort(cmp)
    .map((name) => `${name}@${installedVersion(name)}`);
  const code = treeHash(CODE_ROOT, (name) => /\.(c|m)?js$|\.ts$/.test(name) && !name.endsWith('.d.ts'));
  generator = sha256(JSON.stringify({ version: pkg.version ?? '0.0.0', deps, code }));
  return generator;
}

/** The inputs hash of each target `ids` names. Reads the contracts, the config and the template folders. */
export function inputHashes(ids: readonly string[], src: InputSources, templateRoot: string = TEMPLATE_ROOT): Map<string, string> {
  const contracts = src.contracts.map((file) => [file, sha256(readFileSync(resolve(src.cwd, file)))]);
  let config: string | null = null;
  if (src.configFile !== undefined) {
    try {
      config = sha256(readFileSync(src.configFile));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  const shared = { format: 1, generator: generatorHash(), config, contracts };
  return new Map(ids.map((id) => [id, sha256(JSON.stringify({ ...shared, target: id, templates: treeHash(join(templateRoot, id)) }))]));
}
