// Writes records.jsonl: a small recorded stream of CDC records in the sync's raw-line format (one JSON line per
// Kafka record, key/value/headers base64), with tombstones, null keys and a header. Deterministic.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';

/** @type {string[]} */
const lines = [];
const t0 = Date.UTC(2024, 2, 1, 12, 0);
/** @type {(seed: string, n: number) => string} */
const bytes = (seed, n) => createHash('sha256').update(seed).digest().subarray(0, n).toString('base64');
for (let i = 0; i < 240; i++) {
  const topic = i % 2 ? 'ridehailing.public.users' : 'ridehailing.mobility.rides';
  const key = i % 9 === 0 ? 'null' : `"${bytes(`k${i}`, 16)}"`;
  const value = i % 13 === 0 ? 'null' : `"${bytes(`v${i}`, 32)}"`;
  const headers = i % 4 === 0 ? `[{"key":"trace","value":"${bytes(`h${i}`, 8)}"}]` : '[]';
  lines.push(`{"key":${key},"value":${value},"offset":${Math.floor(i / 4)},"timestamp":${t0 + i * 1000},"headers":${headers},"partition":${i % 2},"topic":"${topic}"}\n`);
}
writeFileSync(new URL('./records.jsonl', import.meta.url), lines.join(''));
