/**
 * Great Expectations serializations of a typed suite, one per GX version: 1.x (ExpectationSuite with `name`,
 * `id`s and `type`) and 0.18 (`expectation_suite_name`, `expectation_type`). The JSON is made here and nowhere
 * else, and nothing reads it back: `contractgen test` runs the typed suite.
 */
import { createHash } from 'node:crypto';
import type { PlatformConfig } from '../config/config.js';
import { gxType, type Meta, type Suite } from './suite.js';

export type GxVersion = PlatformConfig['quality']['gxVersion'];

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

/** GX 1.x: great_expectations 1.2's ExpectationSuite, as `suite.to_json_dict()` writes it. */
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

export function toGx1(s: Suite): Gx1Suite {
  return {
    name: s.name,
    id: stableUuid(`suite:${s.name}`),
    expectations: s.expectations.map((e, i) => ({ type: gxType(e), kwargs: e.kwargs, meta: e.meta, id: stableUuid(`${s.name}:${i}:${gxType(e)}:${e.meta.contract_rule}`) })),
    meta: suiteMeta(s, '1.2.0'),
    notes: `Expectations from data contract ${s.contract.id} ${s.contract.version}, dataset ${s.dataset}.`,
  };
}

export function toGx018(s: Suite): Gx018Suite {
  return {
    expectation_suite_name: s.name,
    ge_cloud_id: null,
    data_asset_type: null,
    expectations: s.expectations.map((e) => ({ expectation_type: gxType(e), kwargs: e.kwargs, meta: e.meta })),
    meta: suiteMeta(s, '0.18.21'),
  };
}

/** The suite file's text for a GX version. */
export function serializeSuite(s: Suite, version: GxVersion): string {
  return `${JSON.stringify(version === '1.x' ? toGx1(s) : toGx018(s), null, 2)}\n`;
}
