/**
 * A target is a pure function from (model, config, templates, static files) to files under generated/<target-id>/.
 * Targets never read files or the clock: templates arrive compiled, static files arrive read, and the sink alone
 * touches the disk.
 */
import type { PlatformConfig } from '../config/config.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Dataset, Model, SourceBinding, SourceKind } from '../model/ir.js';
import { served, type TargetId } from './capabilities.js';

export { served } from './capabilities.js';

export type FileKind = 'sql' | 'cql' | 'json' | 'yaml' | 'properties' | 'md' | 'py' | 'ts' | 'avsc' | 'conf' | 'text' | 'plain' | 'html' | 'css' | 'js';

export interface OutputFile {
  /** path relative to the target's directory, forward slashes */
  path: string;
  content: string;
  kind: FileKind;
  /** the contract file(s) the file was generated from, for the header */
  sources: string[];
  /**
   * A data literal (JSON text) that emit puts in place of DATA_PLACEHOLDER after formatting: data is not code,
   * and prettier and ts-morph are quadratic-ish on megabytes of it (the Unity Catalog plan of 1,000 tables).
   */
  data?: string;
  /** false: the target wrote the file in its final form, emit does not run prettier on it (the docs' Markdown) */
  format?: false;
}

export const DATA_PLACEHOLDER = '__CONTRACTGEN_DATA__';

export type Template = (view: unknown) => string;
export type Templates = (name: string) => Template;

/** The file kind of a static file, from its extension; undefined for an extension no target copies. */
export function kindOfPath(path: string): FileKind | undefined {
  const ext = /\.([a-z]+)$/.exec(path)?.[1];
  const kinds: Record<string, FileKind> = { ts: 'ts', mts: 'ts', js: 'js', css: 'css', py: 'py', md: 'md', html: 'html', sql: 'sql', json: 'json', yaml: 'yaml', conf: 'conf', txt: 'text' };
  return ext === undefined ? undefined : kinds[ext];
}

/**
 * The copies of the real files under templates/<target>/static/, read before any target runs: one output per file,
 * at the same relative path, its text unchanged. Emit stamps the header with `sources` and normalizes, but does
 * not run prettier on a copy: the file is formatted in the repository (a test checks that).
 */
export type StaticCopies = (target: string, sources: readonly string[]) => OutputFile[];

export interface TargetContext {
  config: PlatformConfig;
  template: Templates;
  copies: StaticCopies;
}

export interface TargetResult {
  files: OutputFile[];
  /**
   * Only what the model cannot decide (none today). What a target skips, refuses or warns about from the model
   * alone is declared in capabilities.ts, where lint finds it without loading the target.
   */
  diagnostics: Diagnostic[];
}

export interface Target {
  id: string;
  description: string;
  run(model: Model, ctx: TargetContext): TargetResult;
}

/**
 * The datasets a source-DDL target serves (capabilities.ts decides, and reports the others as TARGET_SKIPPED),
 * each with its source of that kind.
 */
export function bySource(target: TargetId, model: Model, config: PlatformConfig, kind: SourceKind): Array<{ ds: Dataset; src: SourceBinding }> {
  return served(target, model, config).flatMap((ds) => (ds.source?.kind === kind ? [{ ds, src: ds.source }] : []));
}
