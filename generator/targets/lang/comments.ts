/**
 * Comment text every target writes the same way: column and table comments (PII and classification made
 * visible), comment lines and one-line header values with the control characters that could break out of a
 * comment removed.
 */
import type { Dataset, Field } from '../../model/ir.js';

/**
 * Column comment text: the description, with PII and classification made visible to database users, and what
 * ODCS v3.2.0 adds: the labels of the allowed values, the semantic type (a measure's aggregation), synonyms.
 */
export function columnComment(f: Field): string | undefined {
  const tags: string[] = [];
  if (f.pii) tags.push('PII');
  if (f.classification) tags.push(`classification: ${f.classification}`);
  const extra: string[] = [];
  if (f.semanticType && f.semanticType !== 'column') extra.push(`${f.semanticType === 'measure' ? 'Measure' : 'Dimension'}${f.transformLogic ? `: ${f.transformLogic}` : ''}.`);
  const labelled = f.constraints.enumEntries?.filter((e) => e.label || e.description) ?? [];
  // one line each: values, labels and synonyms are names, not prose
  if (labelled.length) extra.push(`Values: ${labelled.map((e) => `${inline(String(e.value))} = ${inline([e.label, e.description].filter(Boolean).join(': '))}`).join('; ')}.`);
  if (f.synonyms?.length) extra.push(`Also called: ${f.synonyms.map(inline).join(', ')}.`);
  const text = [f.description?.trim() ?? '', ...extra].filter(Boolean).join(' ');
  if (!text && !tags.length) return undefined;
  return [tags.length ? `[${tags.join('; ')}]` : '', text].filter(Boolean).join(' ');
}

/** ODCS v3.2.0's synonyms and context instructions of a dataset, as comment text (with a leading space), or ''. */
export function datasetNotes(ds: Dataset): string {
  const synonyms = ds.synonyms?.length ? ` Also called: ${ds.synonyms.map(inline).join(', ')}.` : '';
  const context = ds.context?.instructions?.trim() ? ` Context: ${ds.context.instructions.trim()}` : '';
  return `${synonyms}${context}`;
}

/** Table comment text: the description and owner, and ODCS v3.2.0's synonyms and context instructions. */
export function tableComment(ds: Dataset): string | undefined {
  const text = ds.description?.trim();
  const owner = ds.owner.team ? ` Owner: ${ds.owner.team}.` : '';
  const all = `${text ?? ''}${owner}${datasetNotes(ds)}`.trim();
  return all || undefined;
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
