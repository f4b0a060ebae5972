/**
 * The consumer facts of test/facts/<consumer>/ and the artifacts they are checked against: the repository's
 * contracts, the example contracts and a sample of the property-based contracts, each generated under a config
 * (the repository's, or the defaults, with overrides such as `quality.gxVersion`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyze, analyzeSources, type Analysis } from '../../generator/analyze.js';
import { DEFAULT_CONFIG, mergeConfig, type PlatformConfig } from '../../generator/config/config.js';
import { generateFiles, selectTargets } from '../../generator/pipeline.js';
import { contract, SEED } from './contract-arbitrary.js';
import { ROOT } from './reference.js';

export interface FactSource {
  id?: string;
  repo: string;
  version?: string | null;
  commit?: string;
  files?: string[];
}

/** A facts file, checked to cite its sources: every source names a GitHub repository and a version or commit. */
export function facts<T = Record<string, unknown>>(rel: string): T & { sources: FactSource[] } {
  const v = JSON.parse(readFileSync(join(ROOT, 'test/facts', rel), 'utf8')) as T & { sources: FactSource[] };
  if (!Array.isArray(v.sources) || v.sources.length === 0) throw new Error(`${rel}: no sources`);
  for (const s of v.sources) {
    if (!/^[\w.-]+\/[\w.-]+$/.test(s.repo ?? '') || !(s.version || s.commit)) throw new Error(`${rel}: a source without repo and version: ${JSON.stringify(s)}`);
  }
  return v;
}

type Override = Record<string, unknown>;

export interface Case {
  label: string;
  config: PlatformConfig;
  files: Map<string, string>;
}

const CONTRACT_DIRS = ['contracts', 'examples/mysql-source/contracts', 'examples/ride-events/contracts'];
const analyses = new Map<string, Analysis>();

function repoAnalysis(dir: string): Analysis {
  let a = analyses.get(dir);
  if (!a) {
    a = analyze({ cwd: ROOT, contracts: [dir] });
    const errors = a.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(`${dir}: ${JSON.stringify(errors)}`);
    analyses.set(dir, a);
  }
  return a;
}

/** The repository's contracts and the example contracts, generated with the repository's config plus `override`. */
export async function repoCases(targets: string[], override: Override = {}, label = ''): Promise<Case[]> {
  const out: Case[] = [];
  for (const dir of CONTRACT_DIRS) {
    const a = repoAnalysis(dir);
    const config = mergeConfig(a.config, override);
    const r = await generateFiles({ ...a, config }, selectTargets(targets));
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(`${dir}: ${JSON.stringify(errors)}`);
    out.push({ label: `${dir}${label}`, config, files: r.files });
  }
  return out;
}

/** Valid random contracts (the property tests' arbitrary, seed pinned), generated with the defaults plus `override`. */
export async function propertyCases(targets: string[], override: Override = {}, runs = 25, label = ''): Promise<Case[]> {
  const config = mergeConfig(DEFAULT_CONFIG, override);
  const out: Case[] = [];
  const samples = fc.sample(contract, { seed: SEED, numRuns: runs });
  for (const [i, c] of samples.entries()) {
    const r = analyzeSources([{ file: 'contracts/random.odcs.yaml', text: c.yaml }], config);
    if (r.diagnostics.some((d) => d.severity === 'error')) throw new Error(`property case ${i}: ${JSON.stringify(r.diagnostics)}\n${c.yaml}`);
    const g = await generateFiles({ model: r.model, config, diagnostics: r.diagnostics, files: ['contracts/random.odcs.yaml'], configErrors: false }, selectTargets(targets));
    out.push({ label: `property case ${i}${label}`, config, files: g.files });
  }
  return out;
}

/** Files of the cases whose path matches. */
export function filesOf(cases: readonly Case[], match: (path: string) => boolean): Array<{ label: string; path: string; content: string; config: PlatformConfig }> {
  return cases.flatMap((c) => [...c.files].filter(([p]) => !p.endsWith(".contractgen-manifest.json") && match(p)).map(([path, content]) => ({ label: `${c.label}: ${path}`, path, content, config: c.config })));
}
