/**
 * What each target serves and can represent, declared apart from its emitter: data and small predicates over the
 * model, nothing heavy (no template, formatter, parser or other target module). Every target-level diagnostic
 * that can be decided from the model is decided here, once:
 *
 *   - `contractgen lint` runs these checks for the targets in scope (`--target`, else all) without loading a
 *     target, so the pre-commit hook reports what `generate` would;
 *   - `contractgen generate` runs the same checks (through `analyze`) before any target runs, and runs no target
 *     when one of them is an error: a target is never handed a model it cannot represent;
 *   - a target's `run` reports no diagnostic of its own that the model decides; it asks `served` which datasets
 *     to generate for.
 *
 * `test/lint-generate.test.ts` holds lint and generate to the same diagnostics.
 */
import type { PlatformConfig } from '../config/config.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Dataset, Field, LogicalType, Model, SourceKind } from '../model/ir.js';
import { rawLocation } from '../model/naming.js';
import { nestedUnenforced } from '../model/nested-enforce.js';
import { mapType } from '../model/types.js';
import { buildSuite } from '../quality/suite.js';

/** Every target, in the order they run and are listed (`registry.ts` holds the modules; a test keeps the two equal). */
export const TARGET_IDS = ['postgres', 'mysql', 'cassandra', 'debezium', 'kafka', 'avro', 'parquet', 'quality', 'trino', 'unity-catalog', 'spark', 'airflow', 'retention', 'sync', 'docs'] as const;

export type TargetId = (typeof TARGET_IDS)[number];

export function isTargetId(id: string): id is TargetId {
  return (TARGET_IDS as readonly string[]).includes(id);
}

/** Where a type sits: the dataset, the field that declares it, and its path from the top-level field (`pickup.lat`, `tags[]`). */
export interface TypeSite {
  ds: Dataset;
  field: Field;
  path: string;
}

/** One target's declaration. Every member is a pure function of the model and the config. */
export interface Capability {
  /** Why the target generates nothing for a dataset (a TARGET_SKIPPED info), or undefined when it serves it. */
  skip?: (ds: Dataset, config: PlatformConfig) => string | undefined;
  /**
   * What the target cannot represent. Called, for every dataset the target serves, on the type of every field,
   * outermost first, then on each nested field's type, each array's items and each map's keys and values; a reason refuses that type with a
   * TARGET_UNSUPPORTED error at the field, naming the target. Undefined: the target represents it.
   */
  cannotRepresent?: (type: LogicalType, site: TypeSite) => string | undefined;
  /** Any other check the model decides, on each dataset the target serves: its diagnostics (errors, warnings). */
  check?: (ds: Dataset, config: PlatformConfig) => Diagnostic[];
}

const notFrom = (kind: SourceKind) => (ds: Dataset) => (ds.source?.kind === kind ? undefined : ds.source ? `its source is ${ds.source.kind}` : 'it has no database source');
const notCaptured = (why: (ds: Dataset) => string) => (ds: Dataset) => (ds.source && ds.cdc.enabled ? undefined : why(ds));
const noRawLayer = (ds: Dataset, config: PlatformConfig) => (rawLocation(ds, config) === undefined ? 'it has no CDC topic, so no raw layer' : undefined);

/** MySQL column types it cannot index: JSON (only through generated columns), BLOB without a prefix length. */
const MYSQL_UNINDEXABLE = new Set(['json', 'blob', 'longblob']);

/** A MySQL key or unique column must be indexable (a TEXT key without a length is MYSQL_KEY_LENGTH, a contract rule). */
function mysqlKey(type: LogicalType, { field, path }: TypeSite): string | undefined {
  if (path !== field.name || !(field.primaryKey || field.unique)) return undefined;
  const column = mapType(type).mysql;
  if (MYSQL_UNINDEXABLE.has(column)) {
    return `"${field.name}" is a ${field.primaryKey ? 'primary key' : 'unique'} column of MySQL type ${column}, which MySQL cannot index; key it on a scalar column`;
  }
  return undefined;
}

/** What a relational source's CHECKs cannot enforce inside nested columns: CONSTRAINT_UNENFORCED warnings. */
const unenforcedIn = (source: 'postgres' | 'mysql') => (ds: Dataset) => ds.fields.flatMap((f) => nestedUnenforced(source, ds.name, f));

/** The declarations, one per target. A target absent from a list below serves every dataset and represents every type. */
export const CAPABILITIES: { readonly [K in TargetId]: Capability } = {
  postgres: { skip: notFrom('postgres'), check: unenforcedIn('postgres') },
  mysql: { skip: notFrom('mysql'), cannotRepresent: mysqlKey, check: unenforcedIn('mysql') },
  cassandra: { skip: (ds) => notFrom('cassandra')(ds) ?? (ds.cassandraKey ? undefined : 'it has no primary key') },
  debezium: { skip: notCaptured((ds) => (ds.source ? 'CDC is disabled for it' : 'it has no database source')) },
  kafka: { skip: notCaptured(() => 'it is not captured by CDC') },
  avro: { skip: notCaptured(() => 'it is not captured by CDC') },
  parquet: {},
  quality: { check: (ds) => buildSuite(ds).problems },
  trino: { skip: noRawLayer },
  'unity-catalog': { skip: noRawLayer },
  spark: { skip: noRawLayer },
  airflow: { skip: noRawLayer },
  retention: { skip: noRawLayer },
  sync: {},
  docs: {},
};

/** The datasets a target generates for, in model order. */
export function served(id: TargetId, model: Model, config: PlatformConfig): Dataset[] {
  const skip = CAPABILITIES[id].skip;
  return skip ? model.datasets.filter((ds) => skip(ds, config) === undefined) : [...model.datasets];
}

/** Calls `fn` on a field's type and on every type nested in it, with its path. */
function walkTypes(ds: Dataset, field: Field, path: string, type: LogicalType, fn: (t: LogicalType, site: TypeSite) => void, depth = 0): void {
  // NESTING_TOO_DEEP reports past this depth; stop long before any stack limit
  if (depth > 64) return;
  fn(type, { ds, field, path });
  if (type.kind === 'array') walkTypes(ds, field, `${path}[]`, type.items.type, fn, depth + 1);
  else if (type.kind === 'map') {
    walkTypes(ds, field, `${path}{key}`, type.key.type, fn, depth + 1);
    walkTypes(ds, field, `${path}{value}`, type.value.type, fn, depth + 1);
  } else if (type.kind === 'object') for (const f of type.fields) walkTypes(ds, f, `${path}.${f.name}`, f.type, fn, depth + 1);
}

/** Every diagnostic one target reports on the model: a TARGET_SKIPPED info per dataset it skips, then its refusals and checks. */
export function checkTarget(id: TargetId, model: Model, config: PlatformConfig): Diagnostic[] {
  const cap = CAPABILITIES[id];
  const out: Diagnostic[] = [];
  for (const ds of model.datasets) {
    const why = cap.skip?.(ds, config);
    if (why !== undefined) {
      out.push(diagnostic('TARGET_SKIPPED', ds.at, `${id}: skipped "${ds.name}": ${why}`));
      continue;
    }
    if (cap.cannotRepresent) {
      const refuse = cap.cannotRepresent;
      for (const f of ds.fields) {
        walkTypes(ds, f, f.name, f.type, (t, site) => {
          const reason = refuse(t, site);
          if (reason !== undefined) out.push(diagnostic('TARGET_UNSUPPORTED', site.field.at, `${id}: ${reason}`));
        });
      }
    }
    if (cap.check) out.push(...cap.check(ds, config));
  }
  return out;
}

/** The diagnostics of several targets (all when `ids` is undefined), in target order. */
export function checkTargets(model: Model, config: PlatformConfig, ids: readonly TargetId[] = TARGET_IDS): Diagnostic[] {
  return TARGET_IDS.filter((id) => ids.includes(id)).flatMap((id) => checkTarget(id, model, config));
}
