/** ODCS quality rules (dataset and property level) → IR quality rules, each with a stable key and its position. */
import type { PathSeg } from '../../load/yaml.js';
import type { Operator, QualityRule } from '../ir.js';
import { arr, isObj, strOr, type BuildContext } from './context.js';

const OPERATOR_KEYS = ['mustBe', 'mustNotBe', 'mustBeGreaterThan', 'mustBeGreaterOrEqualTo', 'mustBeLessThan', 'mustBeLessOrEqualTo', 'mustBeBetween', 'mustNotBeBetween'] as const;

export function buildQuality(ctx: BuildContext, list: unknown, path: readonly PathSeg[], keyBase: string, field?: string): QualityRule[] {
  return arr(list).flatMap((q, i): QualityRule[] => {
    if (!isObj(q)) return [];
    const op = OPERATOR_KEYS.find((k) => k in q);
    const operator = op ? ({ op, value: q[op] } as Operator) : undefined;
    const type = (strOr(q.type) ?? (q.metric ? 'library' : 'library')) as QualityRule['type'];
    const key = strOr(q.id) ?? strOr(q.name) ?? `${keyBase}#${i}`;
    return [
      {
        key,
        type,
        ...(q.metric !== undefined ? { metric: q.metric as QualityRule['metric'] } : {}),
        arguments: isObj(q.arguments) ? q.arguments : {},
        ...(operator ? { operator } : {}),
        ...(typeof q.query === 'string' ? { query: q.query } : {}),
        ...(typeof q.engine === 'string' ? { engine: q.engine } : {}),
        ...(q.implementation !== undefined ? { implementation: q.implementation } : {}),
        ...(typeof q.description === 'string' ? { description: q.description } : {}),
        ...(typeof q.dimension === 'string' ? { dimension: q.dimension } : {}),
        ...(typeof q.severity === 'string' ? { severity: q.severity } : {}),
        ...(typeof q.unit === 'string' ? { unit: q.unit } : {}),
        ...(field ? { field } : {}),
        at: ctx.ref([...path, i]),
      },
    ];
  });
}
