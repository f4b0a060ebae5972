/**
 * Great Expectations serializations of a typed suite, one per GX version: 1.x (ExpectationSuite with `name`,
 * `id`s and `type`) and 0.18 (`expectation_suite_name`, `expectation_type`). The JSON is made here and nowhere
 * else, and nothing reads it back: `contractgen test` runs the typed suite.
 */
import { createHash } from 'node:crypto';
import type { PlatformConfig } from '../config/config.js';
import { gxType, type Bounds, type Expectation, type Meta, type Suite } from './suite.js';

export type GxVersion = PlatformConfig['quality']['gxVersion'];

/** What a configured GX version (`quality.gxVersion`) means for the suite file. */
export interface GxTarget {
  /** the file format: 1.x (`name`, `type`, ids) or 0.18 (`expectation_suite_name`, `expectation_type`) */
  format: '1.x' | '0.18';
  /** the version the suite declares in its meta: the configured one, or the oldest of its family */
  declared: string;
  /**
   * whether `expect_table_row_count_to_be_between` takes `strict_min`/`strict_max`: from 1.3.2 (GX PR #10845).
   * 1.2.0 to 1.3.1 refuse the kwarg (the whole suite fails to load); 0.18 ignores it (the bound turns inclusive).
   */
  strictRowCount: boolean;
}

/** The oldest GX of each family contractgen supports, which the suites of `0.18` and `1.x` are written for. */
export const GX_FAMILY_FLOOR = { '0.18': '0.18.21', '1.x': '1.2.0' } as const;

export function gxTarget(version: GxVersion): GxTarget {
  if (version === '0.18' || version === '1.x') return { format: version, declared: GX_FAMILY_FLOOR[version], strictRowCount: false };
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  const declared = `${major}.${minor}.${patch}`;
  if (major === 0) return { format: '0.18', declared, strictRowCount: false };
  return { format: '1.x', declared, strictRowCount: minor > 3 || (minor === 3 && patch >= 2) };
}

/** A deterministic UUID (GX 1.x wants ids): sha256 of the name, laid out as a version-5-style UUID. */
export function stableUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface SuiteMeta {
  great_expectations_version: string;
  contract_id: string;
  contract_version: string;
  generated_by: 'contractgen';
}

/** GX 1.x: great_expectations 1.x's ExpectationSuite, as `suite.to_json_dict()` writes it. */
export interface Gx1Suite {
  name: string;
  id: string;
  expectations: Array<{ type: string; kwargs: object; meta: Meta; id: string }>;
  meta: SuiteMeta;
  notes: string;
}

/** GX 0.18: an ExpectationSuite as 0.18's `expectations/<name>.json`. */
export interface Gx018Suite {
  expectation_suite_name: string;
  ge_cloud_id: null;
  data_asset_type: null;
  expectations: Array<{ expectation_type: string; kwargs: object; meta: Meta }>;
  meta: SuiteMeta;
}

const suiteMeta = (s: Suite, version: string): SuiteMeta => ({ great_expectations_version: version, contract_id: s.contract.id, contract_version: s.contract.version, generated_by: 'contractgen' });

/**
 * An expectation's kwargs as the target GX version takes them. A row count is an integer, so an exclusive bound
 * is the inclusive one next to it (count > x ⇔ count ≥ ⌊x⌋ + 1; count < x ⇔ count ≤ ⌈x⌉ − 1): the same check,
 * in the kwargs every version accepts.
 */
export function kwargsFor(e: Expectation, target: GxTarget): object {
  if (e.type !== 'expect_table_row_count_to_be_between' || target.strictRowCount) return e.kwargs;
  const { strict_min, strict_max, ...rest } = e.kwargs;
  const out: Bounds<number> = { ...rest };
  if (rest.min_value !== undefined && strict_min) out.min_value = Math.floor(rest.min_value) + 1;
  if (rest.max_value !== undefined && strict_max) out.max_value = Math.ceil(rest.max_value) - 1;
  return out;
}

export function toGx1(s: Suite, target: GxTarget = gxTarget('1.x')): Gx1Suite {
  return {
    name: s.name,
    id: stableUuid(`suite:${s.name}`),
    expectations: s.expectations.map((e, i) => ({ type: gxType(e), kwargs: kwargsFor(e, target), meta: e.meta, id: stableUuid(`${s.name}:${i}:${gxType(e)}:${e.meta.contract_rule}`) })),
    meta: suiteMeta(s, target.declared),
    notes: `Expectations from data contract ${s.contract.id} ${s.contract.version}, dataset ${s.dataset}.`,
  };
}

export function toGx018(s: Suite, target: GxTarget = gxTarget('0.18')): Gx018Suite {
  return {
    expectation_suite_name: s.name,
    ge_cloud_id: null,
    data_asset_type: null,
    expectations: s.expectations.map((e) => ({ expectation_type: gxType(e), kwargs: kwargsFor(e, target), meta: e.meta })),
    meta: suiteMeta(s, target.declared),
  };
}

/** The suite file's text for a GX version. */
export function serializeSuite(s: Suite, version: GxVersion): string {
  const target = gxTarget(version);
  return `${JSON.stringify(target.format === '1.x' ? toGx1(s, target) : toGx018(s, target), null, 2)}\n`;
}
