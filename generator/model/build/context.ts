/** What every part of the IR builder shares: the document being read, its diagnostics, and typed looks at YAML values. */
import { diagnostic, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { RuleId } from '../../diagnostics/rules.js';
import type { LoadedYaml, PathSeg } from '../../load/yaml.js';
import type { SourceRef } from '../ir.js';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const strOr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** What the builder takes from the config. */
export interface BuildSettings {
  /** the lake's decimal for an unsized numeric (config `lake.unsizedDecimal`) */
  unsizedDecimal: { precision: number; scale: number };
}

export const DEFAULT_BUILD_SETTINGS: BuildSettings = { unsizedDecimal: { precision: 38, scale: 18 } };

export class BuildContext {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    readonly doc: LoadedYaml,
    readonly settings: BuildSettings = DEFAULT_BUILD_SETTINGS,
  ) {}
  ref(path: readonly PathSeg[]): SourceRef {
    return { file: this.doc.file, ...this.doc.pos(path) };
  }
  report(rule: RuleId, path: readonly PathSeg[], message: string): void {
    this.diagnostics.push(diagnostic(rule, this.ref(path), message));
  }
}
