/** Relationships (property-level `relationships[].to` and schema-level `from`/`to`) → IR relationships. */
import type { PathSeg } from '../../load/yaml.js';
import type { Field, Relationship } from '../ir.js';
import { arr, isObj, type BuildContext, type Obj } from './context.js';

/** `users.user_id` or `[file.yaml#]/schema/users/properties/user_id` → {dataset, field}. */
export function parseReference(ref: string): { dataset: string; field: string; external: boolean } | undefined {
  const short = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(ref);
  if (short) return { dataset: short[1]!, field: short[2]!, external: false };
  const hash = ref.indexOf('#');
  const external = hash >= 0 && ref.slice(0, hash).length > 0;
  const segs = (hash >= 0 ? ref.slice(hash + 1) : ref).split('/').filter(Boolean);
  if (segs.length === 4 && segs[0] === 'schema' && segs[2] === 'properties') return { dataset: segs[1]!, field: segs[3]!, external };
  return undefined;
}

export function buildRelationships(ctx: BuildContext, schema: Obj, path: readonly PathSeg[], fields: Field[]): Relationship[] {
  const out: Relationship[] = [];
  const add = (from: string[], to: unknown, at: readonly PathSeg[]) => {
    const tos = Array.isArray(to) ? to : [to];
    const parsed = tos.map((t) => (typeof t === 'string' ? parseReference(t) : undefined));
    if (parsed.some((x) => !x)) {
      ctx.report('REL_UNRESOLVED', at, `relationship target ${JSON.stringify(to)} is not a reference contractgen can resolve (use "dataset.field")`);
      return;
    }
    const ps = parsed as Array<{ dataset: string; field: string; external: boolean }>;
    if (ps.some((x) => x.external)) {
      ctx.report('REL_EXTERNAL', at, 'relationship points into another file; contractgen resolves relationships across the contracts it is given, by dataset name');
    }
    if (new Set(ps.map((x) => x.dataset)).size !== 1 || from.length !== ps.length) {
      ctx.report('REL_UNRESOLVED', at, `relationship must map ${from.length} field(s) to as many fields of one dataset`);
      return;
    }
    out.push({ from, toDataset: ps[0]!.dataset, toFields: ps.map((x) => x.field), at: ctx.ref(at) });
  };
  arr(schema.properties).forEach((p, i) => {
    if (!isObj(p) || typeof p.name !== 'string') return;
    arr(p.relationships).forEach((r, j) => {
      if (isObj(r)) add([p.name as string], r.to, [...path, 'properties', i, 'relationships', j, 'to']);
    });
  });
  arr(schema.relationships).forEach((r, j) => {
    if (!isObj(r)) return;
    const froms = (Array.isArray(r.from) ? r.from : [r.from]).map((f) => (typeof f === 'string' ? parseReference(f) : undefined));
    const at = [...path, 'relationships', j];
    const bad = froms.findIndex((f) => !f || f.dataset !== schema.name || !fields.some((x) => x.name === f.field));
    if (bad >= 0) {
      ctx.report('REL_UNRESOLVED', [...at, 'from'], `relationship source ${JSON.stringify(r.from)} must name fields of "${String(schema.name)}"`);
      return;
    }
    add(froms.map((f) => f!.field), r.to, [...at, 'to']);
  });
  return out;
}
