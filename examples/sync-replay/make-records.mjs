// Writes records.jsonl: a small recorded stream of CDC records, one JSON line per Kafka record in the raw-line
// format (Aiven's jsonl: headers, offset, value, key, timestamp; bytes in base64, the time in ISO-8601) with the
// record's topic and partition after it, which an object's name carries in the lake. Tombstones, null keys and a
// header included. Deterministic.
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
  const time = new Date(t0 + i * 1000 + (i % 3) * 7).toISOString().replace('.000Z', 'Z');
  lines.push(`{"headers":${headers},"offset":${Math.floor(i / 2)},"value":${value},"key":${key},"timestamp":"${time}","topic":"${topic}","partition":${i % 2}}\n`);
}
writeFileSync(new URL('./records.jsonl', import.meta.url), lines.join(''));
