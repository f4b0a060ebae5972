/** The fields of a schema object (nested objects included): names, types, keys, constraints, PII and their own quality rules. */
import type { PathSeg } from '../../load/yaml.js';
import { EXT } from '../extensions.js';
import type { Field } from '../ir.js';
import { readConstraints, sameValues } from './constraints.js';
import { arr, isObj, strOr, type BuildContext } from './context.js';
import { readExtensions } from './extensions.js';
import { buildQuality } from './quality.js';
import { resolveType } from './types.js';

const defaultOf = (v: string | number | boolean | undefined): { default?: string | number | boolean } => (v === undefined ? {} : { default: v });

/** ODCS v3.2.0 synonyms: the terms, in contract order. */
export function synonymsOf(v: unknown): string[] | undefined {
  const out = arr(v).flatMap((s) => (isObj(s) && typeof s.synonym === 'string' ? [s.synonym] : []));
  return out.length ? out : undefined;
}

/**
 * `datasetName` is the dataset for top-level fields and undefined for nested ones; `requiredNames` are the names
 * the enclosing object's `logicalTypeOptions.required` lists.
 */
export function buildFields(ctx: BuildContext, props: unknown[], path: readonly PathSeg[], datasetName: string | undefined, requiredNames: ReadonlySet<string> = new Set()): Field[] {
  const fields: Field[] = [];
  const seen = new Map<string, number>();
  props.forEach((raw, i) => {
    if (!isObj(raw) || typeof raw.name !== 'string') return;
    const p = [...path, i];
    const name = raw.name;
    if (seen.has(name)) {
      ctx.report('FIELD_DUPLICATE', [...p, 'name'], `field "${name}" is declared twice (first at item ${seen.get(name)})`);
      return;
    }
    seen.set(name, i);
    const ext = readExtensions(ctx, raw, p, 'property');
    const type = resolveType(ctx, raw, p, ext, (nested, at, req) => buildFields(ctx, nested, at, undefined, req));
    if (!type) return;
    const constraints = readConstraints(ctx, raw, type, p);
    const quality = buildQuality(ctx, raw.quality, [...p, 'quality'], `${datasetName ?? ''}.${name}`, name);
    // ODCS 3.1 has no enum: the standard way to state a value set is an invalidValues check with validValues. The
    // first such rule (or the v3.2.0 enum) is the field's value set; a rule that repeats the same set is served by
    // the same checks (it is named with them), a rule with another set stays a quality rule of its own.
    for (const q of quality) {
      const vv = q.arguments.validValues;
      if (q.metric !== 'invalidValues' || !Array.isArray(vv) || q.operator?.op !== 'mustBe' || q.operator.value !== 0) continue;
      if (!constraints.enum) {
        constraints.enum = vv.map((v) => String(v));
        constraints.enumFrom = { enum: false, rules: [q.key] };
      } else if (sameValues(constraints.enum, vv)) constraints.enumFrom?.rules.push(q.key);
    }
    const semanticType = raw.semanticType === 'column' || raw.semanticType === 'measure' || raw.semanticType === 'dimension' ? raw.semanticType : undefined;
    const synonyms = synonymsOf(raw.synonyms);
    const pii = ext.get(EXT.pii) === true;
    const classification = strOr(raw.classification);
    fields.push({
      name,
      physicalName: strOr(raw.physicalName) ?? name,
      ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
      ...(typeof raw.businessName === 'string' ? { businessName: raw.businessName } : {}),
      type,
      required: raw.required === true || raw.primaryKey === true || requiredNames.has(name),
      unique: raw.unique === true,
      primaryKey: raw.primaryKey === true,
      primaryKeyPosition: typeof raw.primaryKeyPosition === 'number' ? raw.primaryKeyPosition : -1,
      partitioned: raw.partitioned === true,
      partitionKeyPosition: typeof raw.partitionKeyPosition === 'number' ? raw.partitionKeyPosition : -1,
      pii,
      ...(classification ? { classification } : {}),
      constraints,
      ...defaultOf(ext.get(EXT.default)),
      cdcExcluded: ext.get(EXT.cdcExclude) === true,
      examples: arr(raw.examples),
      tags: arr(raw.tags).filter((t): t is string => typeof t === 'string'),
      quality,
      ...(semanticType ? { semanticType } : {}),
      ...(typeof raw.transformLogic === 'string' ? { transformLogic: raw.transformLogic } : {}),
      ...(synonyms ? { synonyms } : {}),
      at: ctx.ref([...p, 'name']),
    });
  });
  return fields;
}

/** Key order: by position where given (ascending), else declaration order. */
export function ordered(fields: Field[], pick: (f: Field) => boolean, pos: (f: Field) => number): string[] {
  return fields
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => pick(f))
    .sort((a, b) => {
      const pa = pos(a.f) < 0 ? Infinity : pos(a.f);
      const pb = pos(b.f) < 0 ? Infinity : pos(b.f);
      return pa - pb || a.i - b.i;
    })
    .map(({ f }) => f.name);
}
