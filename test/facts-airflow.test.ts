/**
 * The DAGs against Airflow's own rules (test/facts/airflow/airflow.json, read from apache/airflow at 2.9.3,
 * 2.10.5, 2.11.0, 2.11.1 and the main-branch states of 3.0, 3.1 and 3.2): for `airflow.version: 2` and `3`, with
 * and without `airflow.deadlineCallback`, every DAG of the repository's contracts, the example contracts and the
 * property-based contracts (read with Python's ast) imports only what works in every release of its line (no
 * deprecated shim; a try/except ImportError pair needs one branch that works), passes every operator, the DAG and
 * default_args only arguments their signatures take in each release, uses `sla` only where Airflow checks it
 * (2.x; 3.x ignores it), declares the trusted table's outlet on a task that runs after the quality suite (an event
 * is recorded when the declaring task succeeds), and a Deadline Alert only as Airflow 3.1+ defines it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { facts, filesOf, propertyCases, repoCases } from './helpers/facts.js';
import { ROOT } from './helpers/reference.js';

interface ClassSig {
  bases: string[];
  params: string[];
}
const af = facts<{
  versions: string[];
  imports: Record<string, { status: Record<string, 'works' | 'deprecated' | 'fails' | 'provider'> }>;
  classes: Record<string, Record<string, ClassSig>>;
  hooks: Record<string, { init: string[]; methods: Record<string, string[]> }>;
  deadlineAlerts: { since: string; references: Record<string, string[]> };
}>('airflow/airflow.json');

interface Dag {
  path: string;
  imports: Array<{ module: string; name: string; guard: null | { group: string; branch: 'try' | 'except'; catches?: string } }>;
  dag: { kwargs: string[]; default_args: string[]; deadline: null | { class: string; kwargs: string[]; reference: string | null; callback: string | null } };
  tasks: Record<string, { operator: string; kwargs: string[]; outlets: boolean }>;
  deps: Array<[string, string]>;
}

function read(contents: string[]): Dag[] {
  const dir = mkdtempSync(join(tmpdir(), 'cg-af-facts-'));
  const paths = contents.map((c, i) => {
    const p = join(dir, `${i}.py`);
    writeFileSync(p, c);
    return p;
  });
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'test/helpers/dag_facts.py'), ...paths], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Dag[];
}

/** Every parameter a class takes in a release: its own and its bases' (the facts' inheritance chain). */
function paramsOf(cls: string, version: string): Set<string> {
  const sig = af.classes[cls]?.[version];
  if (!sig) throw new Error(`no facts for ${cls} at ${version}`);
  const out = new Set(sig.params.filter((p) => !p.startsWith('*')));
  for (const b of sig.bases) {
    const base = b.replace(/\[.*$/, '');
    if (af.classes[base]) for (const p of paramsOf(base, version)) out.add(p);
  }
  return out;
}

const releases = (major: 2 | 3, deadline: boolean) => af.versions.filter((v) => v.startsWith(`${major}.`) && (!deadline || v >= af.deadlineAlerts.since));

function problems(d: Dag, major: 2 | 3): string[] {
  const out: string[] = [];
  const deadline = d.dag.deadline !== null;
  const vs = releases(major, deadline);
  const status = (i: Dag['imports'][number], v: string) => af.imports[`${i.module}:${i.name}`]?.status[v] ?? 'unknown';
  for (const v of vs) {
    for (const i of d.imports.filter((x) => !x.guard && x.module.startsWith('airflow'))) {
      const s = status(i, v);
      if (s !== 'works') out.push(`Airflow ${v}: from ${i.module} import ${i.name} ${s === 'unknown' ? 'is not in the facts' : s === 'provider' ? 'needs a provider Airflow does not install' : s}`);
    }
    const groups = new Map<string, Dag['imports']>();
    for (const i of d.imports.filter((x) => x.guard)) groups.set(i.guard!.group, [...(groups.get(i.guard!.group) ?? []), i]);
    for (const [, group] of groups) {
      if (group.some((i) => i.guard!.branch === 'except' && i.guard!.catches !== 'ImportError')) out.push('a guarded import that catches more than ImportError');
      const ok = ['try', 'except'].some((b) => group.filter((i) => i.guard!.branch === b).every((i) => status(i, v) === 'works') && group.some((i) => i.guard!.branch === b));
      if (!ok) out.push(`Airflow ${v}: no branch of the guarded imports (${group.map((i) => `${i.module}.${i.name}`).join(', ')}) works`);
    }
    const dagParams = paramsOf('DAG', v);
    for (const k of d.dag.kwargs) if (!dagParams.has(k)) out.push(`Airflow ${v}: DAG takes no ${k}`);
    const operatorParams = paramsOf('BaseOperator', v);
    for (const k of d.dag.default_args) if (!operatorParams.has(k)) out.push(`Airflow ${v}: default_args key ${k} is no operator parameter (ignored silently)`);
    if (major === 3 && d.dag.default_args.includes('sla')) out.push(`Airflow ${v}: sla is ignored (a warning in the logs only)`);
    for (const [name, t] of Object.entries(d.tasks)) {
      const params = paramsOf(t.operator, v);
      for (const k of t.kwargs) if (!params.has(k)) out.push(`Airflow ${v}: ${t.operator} ${name} takes no ${k}`);
    }
    if (deadline) {
      const dl = d.dag.deadline!;
      const members = af.deadlineAlerts.references[v] ?? af.deadlineAlerts.references['3.1']!;
      if (dl.class !== 'DeadlineAlert' || JSON.stringify(dl.kwargs) !== JSON.stringify(['callback', 'interval', 'reference'])) out.push(`deadline ${JSON.stringify(dl)}`);
      if (!members.includes(String(dl.reference).replace(/^DeadlineReference\./, ''))) out.push(`Airflow ${v}: no DeadlineReference ${dl.reference}`);
      if (dl.callback !== 'AsyncCallback') out.push(`Airflow ${v}: Deadline Alerts take only an AsyncCallback, not ${dl.callback}`);
    }
  }
  if (deadline && major !== 3) out.push('a Deadline Alert outside Airflow 3');
  // the outlet: on a task that runs only after the quality suite passed
  const after = new Set<string>();
  const walk = (t: string) => {
    for (const [u, v] of d.deps) if (u === t && !after.has(v)) after.add(v) && walk(v);
  };
  walk('check_quality');
  const outlets = Object.entries(d.tasks).filter(([, t]) => t.outlets).map(([n]) => n);
  if (!outlets.length) out.push('no task declares the trusted table as an outlet');
  for (const o of outlets) if (!after.has(o)) out.push(`the outlet is on ${o}, which does not wait for check_quality: consumers would start before the quality suite`);
  return out;
}

const VARIANTS = [
  { label: 'Airflow 2', major: 2 as const, override: { airflow: { version: 2 } } },
  { label: 'Airflow 3', major: 3 as const, override: { airflow: { version: 3 } } },
  { label: 'Airflow 3.1+ with a Deadline Alert', major: 3 as const, override: { airflow: { version: 3, deadlineCallback: 'platform.alerts.freshness_missed' } } },
];

describe('Airflow DAGs against Airflow (facts from its source)', () => {
  it('cite their sources', () => {
    expect(af.sources.every((s) => s.repo === 'apache/airflow')).toBe(true);
  });

  for (const v of VARIANTS) {
    it(`${v.label}: imports, operator, DAG and default_args arguments, the outlet after the quality suite, the freshness SLA`, async () => {
      const cases = [...(await repoCases(['airflow'], v.override)), ...(await propertyCases(['airflow'], v.override, 20))];
      const dags = filesOf(cases, (p) => p.startsWith('airflow/') && p.endsWith('.py'));
      expect(dags.length).toBeGreaterThan(10);
      const read_ = read(dags.map((x) => x.content));
      const found = read_.flatMap((d, i) => problems(d, v.major).map((p) => `${dags[i]!.label}: ${p}`));
      expect([...new Set(found)]).toEqual([]);
      if (v.override.airflow.version === 3) for (const d of read_) expect(d.dag.deadline !== null).toBe('deadlineCallback' in v.override.airflow);
    }, 180_000);
  }

  it('would catch an outlet before the quality suite, a shim Airflow 3 deprecates and an ignored sla (the check can fail)', () => {
    const [d] = read([
      `from airflow.datasets import Dataset\nfrom airflow.sdk import DAG\nfrom airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator\nwith DAG(dag_id="x", default_args={"sla": 1}) as dag:\n    transform = SparkSubmitOperator(task_id="transform", application="a", outlets=[Dataset("s3://x/")])\n    check_quality = SparkSubmitOperator(task_id="check_quality", application="b")\n    transform >> check_quality\n`,
    ]);
    const found = problems(d!, 3);
    expect(found).toContain('Airflow 3.0: from airflow.datasets import Dataset deprecated');
    expect(found).toContain('Airflow 3.1: sla is ignored (a warning in the logs only)');
    expect(found).toContain('the outlet is on transform, which does not wait for check_quality: consumers would start before the quality suite');
  });
});
