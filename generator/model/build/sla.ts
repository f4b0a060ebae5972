/** SLA properties, with freshness, latency and retention read as durations. */
import type { Sla } from '../ir.js';
import { arr, isObj, strOr, type BuildContext, type Obj } from './context.js';

const UNIT_MS: Record<string, number> = {
  ms: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
  y: 31_536_000_000, yr: 31_536_000_000, year: 31_536_000_000, years: 31_536_000_000,
};

/** A duration from an SLA value and unit, or an ISO-8601 duration (P1Y, PT15M, P7D). Months count 30 days, years 365. */
export function parseDuration(value: unknown, unit: string | undefined): number | undefined {
  if (typeof value === 'number' && unit) {
    const f = UNIT_MS[unit.toLowerCase()];
    return f === undefined ? undefined : value * f;
  }
  if (typeof value === 'string') {
    const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value);
    if (!m || value === 'P' || value.endsWith('T')) return undefined;
    const n = (i: number) => Number(m[i] ?? 0);
    return n(1) * 31_536_000_000 + n(2) * 2_592_000_000 + n(3) * 604_800_000 + n(4) * 86_400_000 + n(5) * 3_600_000 + n(6) * 60_000 + n(7) * 1000;
  }
  return undefined;
}

export function buildSla(ctx: BuildContext, odcs: Obj): Sla {
  const sla: Sla = { properties: [] };
  arr(odcs.slaProperties).forEach((sp, i) => {
    if (!isObj(sp) || typeof sp.property !== 'string') return;
    const unit = strOr(sp.unit);
    sla.properties.push({ property: sp.property, value: sp.value, ...(unit ? { unit } : {}), ...(typeof sp.element === 'string' ? { element: sp.element } : {}) });
    const target = ({ freshness: 'freshnessMs', retention: 'retentionMs', latency: 'latencyMs' } as const)[sp.property as 'freshness' | 'retention' | 'latency'];
    if (target) {
      const ms = parseDuration(sp.value, unit);
      if (ms === undefined || ms <= 0) ctx.report('SLA_VALUE', ['slaProperties', i, 'value'], `${sp.property} needs a positive duration: a number with a unit (m, h, d, y …) or ISO-8601 such as P7D`);
      else sla[target] = ms;
    }
    if (sp.property === 'frequency' && (typeof sp.value === 'string' || typeof sp.value === 'number')) {
      sla.frequency = `${sp.value}${unit ?? ''}`;
      const ms = parseDuration(sp.value, unit);
      if (ms !== undefined && ms > 0) sla.frequencyMs = ms;
    }
    if (sp.property === 'freshness' || sp.property === 'retention' || sp.property === 'latency' || sp.property === 'frequency') {
      sla.at = { ...sla.at, [sp.property]: ctx.ref(['slaProperties', i, 'property']) };
    }
  });
  return sla;
}
