/**
 * java.util.Properties text: the format Kafka Connect and the Debezium Cassandra agent load. Keys escape
 * separators and comment characters; values escape backslashes and a leading space; anything outside
 * printable ASCII is written as \uXXXX (Properties.load reads ISO-8859-1).
 */
function escape(s: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = c.charCodeAt(0);
    if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\f') out += '\\f';
    else if ((isKey && (c === '=' || c === ':' || c === ' ' || c === '#' || c === '!')) || (!isKey && i === 0 && c === ' ')) out += `\\${c}`;
    else if (!isKey && i === 0 && (c === '#' || c === '!')) out += `\\${c}`;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

export type PropertiesSection = { comment?: string; entries: Array<[string, string]> };

export function toProperties(sections: readonly PropertiesSection[]): string {
  const seen = new Set<string>();
  return sections
    .map((s) => {
      const lines: string[] = [];
      if (s.comment) lines.push(...s.comment.split('\n').map((l) => `# ${l.replace(/[\u0000-\u001f\u007f]/g, ' ')}`.trimEnd()));
      for (const [k, v] of s.entries) {
        if (seen.has(k)) throw new Error(`duplicate property ${k}`);
        seen.add(k);
        lines.push(`${escape(k, true)}=${escape(v, false)}`);
      }
      return lines.join('\n');
    })
    .join('\n\n');
}
