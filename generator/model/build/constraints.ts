/**
 * The constraints of a property, an array item or a map key/value: logicalTypeOptions (ranges, lengths, pattern,
 * format, item counts, unique items) and the ODCS v3.2.0 `enum` (values with labels and descriptions).
 */
import type { PathSeg } from '../../load/yaml.js';
import type { Constraints, EnumEntry, LogicalType } from '../ir.js';
import { isObj, type BuildContext, type Obj } from './context.js';

/** The constraints `p` states itself (its logicalTypeOptions and `enum`). */
export function readConstraints(ctx: BuildContext, p: Obj, type: LogicalType, path: readonly PathSeg[]): Constraints {
  const opts = isObj(p.logicalTypeOptions) ? p.logicalTypeOptions : {};
  const c: Constraints = {};
  for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
    if (typeof opts[k] === 'number' || typeof opts[k] === 'string') (c as Record<string, unknown>)[k] = opts[k];
  }
  for (const k of ['minLength', 'maxLength'] as const) if (typeof opts[k] === 'number') c[k] = opts[k] as number;
  if (typeof opts.pattern === 'string') c.pattern = opts.pattern;
  if (typeof opts.format === 'string' && type.kind === 'string') c.format = opts.format;
  if (type.kind === 'array' || type.kind === 'map') {
    // maps: ODCS gives them no options of their own; the object options minProperties/maxProperties would be the closest
    if (typeof opts.minItems === 'number') c.minItems = opts.minItems;
    if (typeof opts.maxItems === 'number') c.maxItems = opts.maxItems;
    if (opts.uniqueItems === true) c.uniqueItems = true;
  }
  if (type.kind === 'map') {
    if (typeof opts.minProperties === 'number') c.minItems = opts.minProperties;
    if (typeof opts.maxProperties === 'number') c.maxItems = opts.maxProperties;
  }
  if (Array.isArray(p.enum)) {
    const entries: EnumEntry[] = [];
    p.enum.forEach((e, i) => {
      if (!isObj(e)) return;
      const v = e.value;
      if (typeof v !== 'string' && typeof v !== 'number') {
        ctx.report('CONSTRAINT_INCONSISTENT', [...path, 'enum', i, 'value'], `enum value ${JSON.stringify(v)} is not a string or a number; contractgen supports value sets of strings and integers`);
        return;
      }
      entries.push({ value: v, ...(typeof e.label === 'string' ? { label: e.label } : {}), ...(typeof e.description === 'string' ? { description: e.description } : {}) });
    });
    if (entries.length) {
      c.enum = entries.map((e) => String(e.value));
      c.enumEntries = entries;
      c.enumFrom = { enum: true, rules: [] };
    }
  }
  return c;
}

/** Whether two value sets are the same set. */
export function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  const sa = new Set(a.map(String));
  const sb = new Set(b.map(String));
  return sa.size === sb.size && [...sa].every((v) => sb.has(v));
}
