import { stringify } from 'yaml';

/** YAML outputs: serialized from objects, one style everywhere (no wrapping, single quotes where a quote is needed). */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, singleQuote: true });
}
