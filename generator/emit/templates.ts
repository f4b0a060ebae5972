/**
 * Loads and compiles the Handlebars templates in templates/<target>/ once, before any target runs, so targets
 * stay pure. Templates are compiled strict (a missing view key is an error) and without HTML escaping: every
 * value a template prints was already quoted or escaped for its language by the target's TypeScript.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Template, Templates } from '../targets/target.js';

export const TEMPLATE_ROOT = fileURLToPath(new URL('../../templates/', import.meta.url));

export function loadTemplates(root = TEMPLATE_ROOT): Templates {
  const hb = Handlebars.create();
  const compiled = new Map<string, Template>();
  for (const dir of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const f of readdirSync(join(root, dir)).filter((f) => f.endsWith('.hbs')).sort()) {
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
