/**
 * `quality` target: a Great Expectations suite file per dataset, GX 1.x (or 0.18 with `quality.gxVersion`). The
 * suites themselves are typed values built by quality/suite.ts (the coverage test holds them to every constraint
 * and quality rule); this target only serializes them for the configured GX version.
 */
import { serializeSuite } from '../quality/gx.js';
import { buildSuite } from '../quality/suite.js';
import type { OutputFile, Target } from './target.js';

export const qualityTarget: Target = {
  id: 'quality',
  description: 'Great Expectations suites (GX 1.x, or 0.18): every constraint and quality rule of each dataset, traced to the contract',
  run(model, ctx) {
    const files: OutputFile[] = [];
    for (const ds of model.datasets) {
      // its problems (QUALITY_UNTRANSLATED) are reported by the quality target's check in capabilities.ts
      const { suite } = buildSuite(ds);
      files.push({ path: `${suite.name}.json`, content: serializeSuite(suite, ctx.config.quality.gxVersion), kind: 'json', sources: [ds.contract.file] });
    }
    return { files, diagnostics: [] };
  },
};
