/**
 * Used only by the type-check of templates/unity-catalog/static/ (tsconfig.static.json, `npm run typecheck`), never
 * copied: the exports of the plan.mts that the unity-catalog target builds with ts-morph from the contracts.
 * test/unity-catalog.test.ts checks that a generated plan.mts is assignable to this.
 */
import type { Plan } from './apply.mjs';

export declare const PLAN: Plan;

export declare const DEFAULT_BASE_URL: string;
