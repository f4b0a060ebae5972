/**
 * Comment text every target writes the same way: column and table comments (PII and classification made
 * visible), comment lines and one-line header values with the control characters that could break out of a
 * comment removed.
 */
import type { Dataset, Field } from '../../model/ir.js';

/** Column comment text: the description, with PII and classification made visible to database users. */
export function columnComment(f: Field): string | undefined {
  const tags: string[] = [];
  if (f.pii) tags.push('PII');
  if (f.classification) tags.push(`classification: ${f.classification}`);
  const text = f.description?.trim();
  if (!text && !tags.length) return undefined;
  return [tags.length ? `[${tags.join('; ')}]` : '', text ?? ''].filter(Boolean).join(' ');
}

export function tableComment(ds: Dataset): string | undefined {
  const text = ds.description?.trim();
  const owner = ds.owner.team ? ` Owner: ${ds.owner.team}.` : '';
  return text || owner ? `${text ?? ''}${owner}`.trim() : undefined;
}

/** `-- text` comment lines, each line of the text prefixed, control characters dropped. */
export function lineComment(prefix: string, text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u2028\u2029]/g, '')
    .split(/\r?\n|\r/)
    .map((l) => `${prefix} ${l}`.trimEnd())
    .join('\n');
}

/** Text safe inside a one-line comment of any output language: no line breaks, no control characters. */
export function inline(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

/** The header fields every per-dataset DDL template shows, made safe for a comment line. */
export function datasetHeader(ds: Dataset): { dataset: string; contractId: string; version: string; owner: string } {
  return { dataset: inline(ds.name), contractId: inline(ds.contract.id), version: inline(ds.contract.version), owner: inline(ds.owner.team ?? 'unknown') };
}
