/**
 * Schema Registry compatibility per Kafka subject, decided by avsc's resolver on the schemas the avro target
 * generates: BACKWARD (the new schema reads data written with the old), FORWARD (the old reads the new), FULL
 * (both), and their _TRANSITIVE forms against every earlier version given. Cassandra topics carry JSON, not
 * Avro, and are not checked here.
 */
import { createRequire } from 'node:module';
import type { PlatformConfig } from '../config/config.js';
import type { Dataset } from '../model/ir.js';
import { cdcTopic } from '../model/naming.js';
import { relationalSchemas } from '../targets/lang/avro-envelope.js';

const require = createRequire(import.meta.url);

type AvscType = { createResolver(writer: AvscType): unknown };

function parse(schema: unknown): AvscType {
  const avsc = require('avsc') as { Type: { forSchema(s: unknown, o: unknown): AvscType }; types: { LogicalType: new (...a: unknown[]) => unknown } };
  // Decimal values are bytes on the wire; resolution only needs the logical type to be accepted.
  class Decimal extends (avsc.types.LogicalType as unknown as new (...a: unknown[]) => object) {
    _fromValue(v: unknown) {
      return v;
    }
    _toValue(v: unknown) {
      return v;
    }
  }
  return avsc.Type.forSchema(schema, { logicalTypes: { decimal: Decimal }, assertLogicalTypes: true });
}

/** null when `reader` can read data written with `writer`, else the reason. */
export function canRead(reader: unknown, writer: unknown): string | null {
  try {
    parse(reader).createResolver(parse(writer));
    return null;
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  }
}

function avroSides(ds: Dataset | undefined, config: PlatformConfig) {
  if (!ds?.source || ds.source.kind === 'cassandra' || !ds.cdc.enabled || ds.primaryKey.length === 0) return undefined;
  const s = relationalSchemas(ds, config);
  return { topic: cdcTopic(ds, config)!, key: s.key, value: s.envelope };
}

export function avroCompatibility(o: Dataset, n: Dataset, oldConfig: PlatformConfig, newConfig: PlatformConfig, history: Array<{ ds: Dataset | undefined; config: PlatformConfig }>): string[] {
  const nw = avroSides(n, newConfig);
  const od = avroSides(o, oldConfig);
  if (!nw || !od || nw.topic !== od.topic) return []; // a new topic starts new subjects
  const level = n.kafka.compatibility ?? newConfig.schemaRegistry.defaultCompatibility;
  if (level === 'NONE') return [];
  const transitive = level.endsWith('_TRANSITIVE');
  const base = level.replace('_TRANSITIVE', '');
  const olds = [od, ...(transitive ? history.map((h) => avroSides(h.ds, h.config)).filter((x): x is NonNullable<typeof x> => x !== undefined && x.topic === nw.topic) : [])];
  const out: string[] = [];
  for (const [part, suffix] of [['key', '-key'], ['value', '-value']] as const) {
    for (const [i, old] of olds.entries()) {
      const which = i === 0 ? 'the previous version' : `version -${i + 1}`;
      if (base === 'BACKWARD' || base === 'FULL') {
        const why = canRead(nw[part], old[part]);
        if (why) out.push(`subject ${nw.topic}${suffix} (${level}): the new schema cannot read data written with ${which}: ${why}`);
      }
      if (base === 'FORWARD' || base === 'FULL') {
        const why = canRead(old[part], nw[part]);
        if (why) out.push(`subject ${nw.topic}${suffix} (${level}): ${which} cannot read data written with the new schema: ${why}`);
      }
    }
  }
  return out;
}
