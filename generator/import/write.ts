/**
 * Contract drafts → YAML text: the ODCS object serialized once, by the `yaml` library, with the comments that
 * tell a person what to check. Deterministic: the same source gives the same bytes.
 */
import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { PathSeg } from '../load/yaml.js';
import { PLACEHOLDER } from '../validate/placeholders.js';
import type { ContractDraft } from './odcs.js';

/** YAML comment text: one space after `#`, no control characters. */
const commentText = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/g, ' ')
    .split('\n')
    .map((l) => ` ${l}`)
    .join('\n');

/** Puts a comment before the node at `path` (before its key, inside a mapping). */
export function commentAt(doc: Document, path: readonly PathSeg[], text: string): void {
  if (path.length === 0) {
    doc.commentBefore = doc.commentBefore ? `${doc.commentBefore}\n${commentText(text)}` : commentText(text);
    return;
  }
  const parent = doc.getIn(path.slice(0, -1), true) as Node | undefined;
  const last = path[path.length - 1];
  let target: { commentBefore?: string | null } | undefined;
  if (isMap(parent)) {
    const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last);
    target = pair && isScalar(pair.key) ? pair.key : undefined;
  } else if (isSeq(parent) && typeof last === 'number') {
    target = parent.items[last] as { commentBefore?: string | null } | undefined;
  }
  if (!target) return;
  target.commentBefore = target.commentBefore ? `${target.commentBefore}\n${commentText(text)}` : commentText(text);
}

export function serializeDraft(d: ContractDraft, source: string): string {
  const doc = new Document(d.odcs, { aliasDuplicateObjects: false });
  const where = d.table.namespace ? `${d.table.namespace}.${d.table.name}` : d.table.name;
  commentAt(doc, [], `Imported by \`contractgen import\` from ${source} (${where}).\nReview it: replace every ${PLACEHOLDER}, confirm or remove each PII suggestion (\`contractgen lint\` lists them), then raise the version.`);
  for (const c of d.comments) commentAt(doc, c.path, c.text);
  return doc.toString({ lineWidth: 0 });
}
