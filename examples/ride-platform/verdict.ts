import type { ExampleResult } from './pipeline.js';

/** What must hold after a run: every layer complete, and exactly the planted violations caught. */
export function verdict(r: ExampleResult): string[] {
  const problems: string[] = [];
  for (const l of r.layers) {
    if (l.events !== l.source) problems.push(`${l.dataset}: ${l.source} source rows but ${l.events} change events`);
    if (l.raw !== l.events) problems.push(`${l.dataset}: ${l.events} events but ${l.raw} raw records`);
    if (l.trusted + l.quarantined !== l.source) problems.push(`${l.dataset}: ${l.trusted} trusted + ${l.quarantined} quarantined ≠ ${l.source}`);
  }
  const want = { users: ['users:quality:users_updated_after_created'], rides: ['rides.ride_id:unique', 'rides:quality:rides_completed_after_requested'] };
  for (const [d, rules] of Object.entries(want)) if (JSON.stringify(r.caught[d]) !== JSON.stringify(rules)) problems.push(`${d}: quality caught ${JSON.stringify(r.caught[d])}, planted ${JSON.stringify(rules)}`);
  if (JSON.stringify(r.quarantine.users) !== '[]') problems.push(`users: unexpected quarantine ${JSON.stringify(r.quarantine.users)}`);
  if (JSON.stringify(r.quarantine.rides) !== JSON.stringify(['status:validValues'])) problems.push(`rides: quarantined ${JSON.stringify(r.quarantine.rides)}, planted ["status:validValues"]`);
  return problems;
}
