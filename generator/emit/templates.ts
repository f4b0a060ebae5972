/**
 * Loads what the targets are given besides the model, before the target runs, so targets stay pure:
 * - the Handlebars templates `templates/<target>/*.hbs`, compiled strict (a missing view key is an error) and
 *   without HTML escaping: every value a template prints was already quoted or escaped for its language by the
 *   target's TypeScript;
 * - the static files `templates/<target>/static/**`: real files (type-checked and linted with the repository),
 *   copied into the target's output at the same relative path, their text unchanged.
 * The pipeline loads one target's folder right before that target runs (`loadAssets(root, [id])`), and Handlebars
 * itself only when a folder has a template: `generate --target avro` loads neither.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kindOfPath, type OutputFile, type StaticCopies, type Template, type TargetContext, type Templates } from '../targets/target.js';

export const TEMPLATE_ROOT = fileURLToPath(new URL('../../templates/', import.meta.url));

/** The folder, under each target's template folder, whose files are copied as they are. */
export const STATIC_DIR = 'static';

const targetDirs = (root: string): string[] =>
  readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

/** Handlebars, required on first use (CommonJS, the same module an `import` resolves to). */
let handlebars: typeof import('handlebars') | undefined;
const loadHandlebars = () => (handlebars ??= createRequire(import.meta.url)('handlebars') as typeof import('handlebars'));

/** The target folders to load: all of them, or those of `only` that exist. */
const chosen = (root: string, only: readonly string[] | undefined): string[] => targetDirs(root).filter((d) => !only || only.includes(d));

export function loadTemplates(root = TEMPLATE_ROOT, only?: readonly string[]): Templates {
  const compiled = new Map<string, Template>();
  let hb: ReturnType<typeof import('handlebars').create> | undefined;
  for (const dir of chosen(root, only)) {
    for (const f of readdirSync(join(root, dir)).filter((f) => f.endsWith('.hbs')).sort()) {
      hb ??= loadHandlebars().create();
      const src = readFileSync(join(root, dir, f), 'utf8');
      const name = `${dir}/${f.slice(0, -'.hbs'.length)}`;
      const fn = hb.compile(src, { strict: true, noEscape: true });
      compiled.set(name, (view) => fn(view));
    }
  }
  return (name) => {
    const t = compiled.get(name);
    if (!t) throw new Error(`no template ${name} in ${root}`);
    return t;
  };
}

/** Every file under `dir`, as paths relative to it with forward slashes, sorted. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? filesUnder(dir, `${prefix}${d.name}/`) : d.isFile() ? [`${prefix}${d.name}`] : []))
    .sort();
}

export function loadStatic(root = TEMPLATE_ROOT, only?: readonly string[]): StaticCopies {
  const byTarget = new Map<string, Array<Pick<OutputFile, 'path' | 'content' | 'kind'>>>();
  for (const dir of chosen(root, only)) {
    const base = join(root, dir, STATIC_DIR);
    let paths: string[];
    try {
      paths = filesUnder(base);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    byTarget.set(
      dir,
      paths.map((path) => {
        const kind = kindOfPath(path);
        if (!kind) throw new Error(`no file kind for the static file ${join(base, path)}`);
        return { path, content: readFileSync(join(base, path), 'utf8'), kind };
      }),
    );
  }
  return (target, sources) => {
    const files = byTarget.get(target);
    if (!files) throw new Error(`no static files for ${target} in ${root}`);
    return files.map((f) => ({ ...f, sources: [...sources], format: false }));
  };
}

/** What a target gets besides the config: the templates and the static files, read once. */
export type TargetAssets = Omit<TargetContext, 'config'>;

/** The templates and static files of every target folder, or only of the targets `only` names. */
export function loadAssets(root = TEMPLATE_ROOT, only?: readonly string[]): TargetAssets {
  return { template: loadTemplates(root, only), copies: loadStatic(root, only) };
}
