/**
 * A simulated Kafka consumer group for tests: a classic-protocol group coordinator that follows Kafka's rules,
 * and consumers that behave as kafkajs 2.2.4 does around it (test/facts/kafkajs/rebalance.json).
 *
 * The coordinator (ClassicGroup): states Empty, PreparingRebalance, CompletingRebalance, Stable; a join moves a
 * stable group to PreparingRebalance, which completes once every member rejoined or the rebalance timeout passed
 * (members that did not rejoin are removed); completing bumps the generation and assigns partitions (round robin
 * over the sorted member ids, as the leader would); a member whose heartbeats stop for the session timeout is
 * removed. Heartbeats answer REBALANCE_IN_PROGRESS while a rebalance is under way, ILLEGAL_GENERATION and
 * UNKNOWN_MEMBER_ID as Kafka does. Offset commits: unknown member → UNKNOWN_MEMBER_ID (25), other generation →
 * ILLEGAL_GENERATION (22), CompletingRebalance → REBALANCE_IN_PROGRESS (27); accepted in PreparingRebalance with
 * the current generation; partition ownership is not checked. Every accepted commit is logged with the owners of
 * its generation, so tests can ask whether a member committed a partition it did not hold.
 *
 * The consumer (kafkajs's runner): a rebalance is noticed only by a heartbeat between batches, which then emits
 * `consumer.rebalancing` and rejoins (or, on UNKNOWN_MEMBER_ID, forgets its member id and rejoins without the
 * event); after every join each partition starts again from its committed offset; `consumer.group_join` carries
 * the member id and assignment but no generation; `commitOffsets` uses the generation current when it runs and
 * checks no assignment, rejecting a rebalance error as a KafkaJSNonRetriableError whose cause is the
 * KafkaJSProtocolError; `pause([{topic}])` pauses whole topics and `resume([{topic}])` resumes them.
 */

export interface SimMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}

export interface SimTiming {
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** how long an empty fetch waits */
  fetchWaitMs: number;
  /** most messages per batch */
  maxBatch: number;
}

const DEFAULT_TIMING: SimTiming = { sessionTimeoutMs: 400, rebalanceTimeoutMs: 600, heartbeatIntervalMs: 40, fetchWaitMs: 10, maxBatch: 25 };

const ERRORS = {
  ILLEGAL_GENERATION: { code: 22, message: 'Specified group generation id is not valid' },
  UNKNOWN_MEMBER_ID: { code: 25, message: 'The coordinator is not aware of this member' },
  REBALANCE_IN_PROGRESS: { code: 27, message: 'The group is rebalancing, so a rejoin is needed' },
} as const;
type ErrorType = keyof typeof ERRORS;

/** kafkajs's KafkaJSProtocolError. */
export class SimProtocolError extends Error {
  override name = 'KafkaJSProtocolError';
  readonly code: number;
  readonly retriable = false;
  constructor(readonly type: ErrorType) {
    super(ERRORS[type].message);
    this.code = ERRORS[type].code;
  }
}

/** kafkajs's KafkaJSNonRetriableError, as its retrier wraps a non-retriable error. */
export class SimNonRetriableError extends Error {
  override name = 'KafkaJSNonRetriableError';
  readonly retriable = false;
  constructor(override readonly cause: SimProtocolError) {
    super(cause.message);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const tp = (topic: string, partition: number) => `${topic}/${partition}`;

export interface CommitEntry {
  memberId: string;
  generation: number;
  topic: string;
  partition: number;
  offset: string;
  /** the member the partition was assigned to in that generation */
  owner: string | undefined;
  at: number;
}

type Pending = { memberId: string; resolve: (r: { generationId: number; memberId: string; leaderId: string }) => void; reject: (e: Error) => void };

export class SimGroup {
  state: 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' = 'Empty';
  generation = 0;
  readonly members: Map<string, { lastSeen: number; synced: boolean }> = new Map();
  /** assignment per generation: tp → member */
  readonly owners: Map<number, Map<string, string>> = new Map();
  readonly committed: Map<string, string> = new Map();
  readonly commits: CommitEntry[] = [];
  readonly refused: Array<{ memberId: string; generation: number; type: ErrorType }> = [];
  private joining: Pending[] = [];
  private rebalanceDeadline = 0;
  private nextId = 1;
  private timer: ReturnType<typeof setInterval>;
  private generationWaiters: Array<{ gen: number; resolve: () => void }> = [];

  constructor(
    readonly cluster: SimCluster,
    readonly timing: SimTiming = DEFAULT_TIMING,
  ) {
    this.timer = setInterval(() => this.tick(), 5);
  }

  close(): void {
    clearInterval(this.timer);
    for (const p of this.joining) p.reject(new Error('group closed'));
    this.joining = [];
  }

  /** Resolves once the generation is past `gen`. */
  afterGeneration(gen: number): Promise<void> {
    if (this.generation > gen) return Promise.resolve();
    return new Promise((resolve) => this.generationWaiters.push({ gen, resolve }));
  }

  private tick(): void {
    const now = Date.now();
    // session expiry (members waiting in a join are alive)
    for (const [id, m] of this.members)
      if (now - m.lastSeen > this.timing.sessionTimeoutMs && !this.joining.some((p) => p.memberId === id)) this.remove(id);
    if (this.state === 'PreparingRebalance') {
      const all = [...this.members.keys()].every((id) => this.joining.some((p) => p.memberId === id));
      if (all || now >= this.rebalanceDeadline) this.completeJoin();
    }
  }

  private remove(id: string): void {
    if (!this.members.delete(id)) return;
    if (this.members.size === 0 && this.joining.length === 0) {
      this.state = 'Empty';
      return;
    }
    this.prepare();
  }

  private prepare(): void {
    if (this.state !== 'PreparingRebalance') {
      this.state = 'PreparingRebalance';
      this.rebalanceDeadline = Date.now() + this.timing.rebalanceTimeoutMs;
    }
  }

  join(memberId: string | null): Promise<{ generationId: number; memberId: string; leaderId: string }> {
    if (memberId && !this.members.has(memberId)) return Promise.reject(new SimProtocolError('UNKNOWN_MEMBER_ID'));
    const id = memberId ?? `member-${this.nextId++}`;
    if (!this.members.has(id)) this.members.set(id, { lastSeen: Date.now(), synced: false });
    this.members.get(id)!.lastSeen = Date.now();
    this.prepare();
    return new Promise((resolve, reject) => {
      this.joining = this.joining.filter((p) => p.memberId !== id);
      this.joining.push({ memberId: id, resolve, reject });
    });
  }

  private completeJoin(): void {
    // members that did not rejoin in time are out
    for (const id of [...this.members.keys()]) if (!this.joining.some((p) => p.memberId === id)) this.members.delete(id);
    const joined = this.joining;
    this.joining = [];
    if (!joined.length) {
      this.state = 'Empty';
      return;
    }
    this.generation++;
    this.state = 'CompletingRebalance';
    const ids = [...this.members.keys()].sort();
    const owners = new Map<string, string>();
    let i = 0;
    for (const t of this.cluster.topicNames()) for (let p = 0; p < this.cluster.partitions(t); p++) owners.set(tp(t, p), ids[i++ % ids.length]!);
    this.owners.set(this.generation, owners);
    for (const m of this.members.values()) m.synced = false;
    for (const p of joined) p.resolve({ generationId: this.generation, memberId: p.memberId, leaderId: ids[0]! });
    for (const w of this.generationWaiters.filter((w) => this.generation > w.gen)) w.resolve();
    this.generationWaiters = this.generationWaiters.filter((w) => !(this.generation > w.gen));
  }

  sync(memberId: string, generation: number): Record<string, number[]> {
    const m = this.members.get(memberId);
    if (!m) throw new SimProtocolError('UNKNOWN_MEMBER_ID');
    if (generation !== this.generation) throw new SimProtocolError('ILLEGAL_GENERATION');
    if (this.state === 'PreparingRebalance') throw new SimProtocolError('REBALANCE_IN_PROGRESS');
    m.synced = true;
    m.lastSeen = Date.now();
    if (this.state === 'CompletingRebalance' && [...this.members.values()].every((x) => x.synced)) this.state = 'Stable';
    const out: Record<string, number[]> = {};
    for (const [key, owner] of this.owners.get(generation) ?? []) {
      if (owner !== memberId) continue;
      const at = key.lastIndexOf('/');
      (out[key.slice(0, at)] ??= []).push(Number(key.slice(at + 1)));
    }
    return out;
  }

  heartbeat(memberId: string, generation: number): void {
    const m = this.members.get(memberId);
    if (!m) throw new SimProtocolError('UNKNOWN_MEMBER_ID');
    m.lastSeen = Date.now();
    if (generation !== this.generation) throw new SimProtocolError('ILLEGAL_GENERATION');
    if (this.state === 'PreparingRebalance' || this.state === 'CompletingRebalance') throw new SimProtocolError('REBALANCE_IN_PROGRESS');
  }

  commit(memberId: string, generation: number, offsets: Array<{ topic: string; partition: number; offset: string }>): void {
    const refuse = (type: ErrorType) => {
      this.refused.push({ memberId, generation, type });
      throw new SimProtocolError(type);
    };
    if (!this.members.has(memberId)) refuse('UNKNOWN_MEMBER_ID');
    if (generation !== this.generation) refuse('ILLEGAL_GENERATION');
    if (this.state === 'CompletingRebalance') refuse('REBALANCE_IN_PROGRESS');
    this.members.get(memberId)!.lastSeen = Date.now();
    for (const o of offsets) {
      this.committed.set(tp(o.topic, o.partition), o.offset);
      this.commits.push({ memberId, generation, ...o, owner: this.owners.get(generation)?.get(tp(o.topic, o.partition)), at: Date.now() });
    }
  }

  leave(memberId: string): void {
    this.joining = this.joining.filter((p) => p.memberId !== memberId);
    this.remove(memberId);
  }
}

/** The topics: partitions of messages, offsets from 0. */
export class SimCluster {
  readonly logs: Map<string, SimMessage[][]> = new Map();

  addTopic(topic: string, partitions: SimMessage[][]): void {
    this.logs.set(topic, partitions);
  }

  topicNames(): string[] {
    return [...this.logs.keys()].sort();
  }

  partitions(topic: string): number {
    return this.logs.get(topic)?.length ?? 0;
  }

  end(topic: string, partition: number): number {
    return this.logs.get(topic)![partition]!.length;
  }
}

type Listener = (e: { id: number; type: string; timestamp: number; payload: any }) => void;

type EachBatch = (payload: { batch: { topic: string; partition: number; highWatermark: string; messages: SimMessage[] }; heartbeat: () => Promise<void>; isRunning: () => boolean; isStale: () => boolean; resolveOffset: (o: string) => void; pause: () => () => void; commitOffsetsIfNecessary: () => Promise<void>; uncommittedOffsets: () => unknown }) => Promise<void>;
type EachMessage = (payload: { topic: string; partition: number; message: SimMessage; heartbeat: () => Promise<void>; pause: () => () => void }) => Promise<void>;

/** The part of a kafkajs Consumer that the sync's KafkaSource uses, driven by a SimGroup. */
export class SimConsumer {
  readonly events = { GROUP_JOIN: 'consumer.group_join', REBALANCING: 'consumer.rebalancing', HEARTBEAT: 'consumer.heartbeat', COMMIT_OFFSETS: 'consumer.commit_offsets', CRASH: 'consumer.crash', STOP: 'consumer.stop' } as const;
  private readonly listeners: Map<string, Listener[]> = new Map();
  memberId: string | null = null;
  generationId = -1;
  private assignment: Record<string, number[]> = {};
  private resolved: Map<string, number> = new Map();
  private pausedTopics: Set<string> = new Set();
  private running = false;
  private dead = false;
  private frozenUntil = 0;
  private lastHeartbeat = 0;
  private loop: Promise<void> | undefined;
  private eventId = 0;
  /** the generations and assignments this consumer joined with */
  readonly joins: Array<{ generation: number; memberId: string; assignment: Record<string, number[]> }> = [];

  constructor(
    readonly group: SimGroup,
    readonly name: string,
  ) {}

  on(type: string, listener: Listener): () => void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    return () => this.listeners.set(type, (this.listeners.get(type) ?? []).filter((l) => l !== listener));
  }

  private emit(type: string, payload: unknown): void {
    for (const l of this.listeners.get(type) ?? []) l({ id: this.eventId++, type, timestamp: Date.now(), payload });
  }

  async connect(): Promise<void> {}
  async subscribe(_: { topics: string[]; fromBeginning?: boolean }): Promise<void> {}

  async run(opts: { autoCommit?: boolean; eachBatch?: EachBatch; eachMessage?: EachMessage }): Promise<void> {
    this.running = true;
    await this.joinAndSync();
    this.loop = this.fetchLoop(opts);
  }

  private async joinAndSync(): Promise<void> {
    for (;;) {
      if (!this.running) return;
      const start = Date.now();
      try {
        const j = await this.group.join(this.memberId);
        this.memberId = j.memberId;
        this.generationId = j.generationId;
        const assignment = this.group.sync(j.memberId, j.generationId);
        this.assignment = assignment;
        // a new offset manager: every partition starts again from its committed offset
        this.resolved = new Map();
        this.lastHeartbeat = Date.now();
        this.joins.push({ generation: j.generationId, memberId: j.memberId, assignment });
        this.emit(this.events.GROUP_JOIN, { groupId: 'sim', memberId: j.memberId, leaderId: j.leaderId, isLeader: j.leaderId === j.memberId, memberAssignment: assignment, groupProtocol: 'RoundRobinAssigner', duration: Date.now() - start });
        return;
      } catch (e) {
        if (!(e instanceof SimProtocolError)) throw e;
        if (e.type === 'UNKNOWN_MEMBER_ID') this.memberId = null;
        await sleep(5);
      }
    }
  }

  private async heartbeat(): Promise<void> {
    if (Date.now() < this.lastHeartbeat + this.group.timing.heartbeatIntervalMs) return;
    this.lastHeartbeat = Date.now();
    this.group.heartbeat(this.memberId ?? '', this.generationId);
    this.emit(this.events.HEARTBEAT, { groupId: 'sim', memberId: this.memberId, groupGenerationId: this.generationId });
  }

  private async fetchLoop(opts: { eachBatch?: EachBatch; eachMessage?: EachMessage }): Promise<void> {
    const t = this.group.timing;
    while (this.running) {
      if (Date.now() < this.frozenUntil) {
        await sleep(Math.min(20, this.frozenUntil - Date.now()));
        continue;
      }
      try {
        await this.heartbeat();
        let fetched = 0;
        const parts = Object.entries(this.assignment).flatMap(([topic, ps]) => ps.map((p) => [topic, p] as const));
        for (const [topic, partition] of parts) {
          if (!this.running || Date.now() < this.frozenUntil) break;
          if (this.pausedTopics.has(topic)) continue;
          const key = tp(topic, partition);
          const from = this.resolved.get(key) ?? Number(this.group.committed.get(key) ?? 0);
          const log = this.group.cluster.logs.get(topic)![partition]!;
          const n = Math.min(log.length - from, 1 + Math.floor(Math.random() * t.maxBatch));
          if (n <= 0) continue;
          const messages = log.slice(from, from + n);
          fetched += n;
          const generation = this.generationId;
          if (opts.eachBatch)
            await opts.eachBatch({
              batch: { topic, partition, highWatermark: String(log.length), messages },
              heartbeat: () => this.heartbeat(),
              isRunning: () => this.running,
              isStale: () => false,
              resolveOffset: () => undefined,
              pause: () => () => undefined,
              commitOffsetsIfNecessary: async () => undefined,
              uncommittedOffsets: () => ({}),
            });
          else for (const message of messages) await opts.eachMessage!({ topic, partition, message, heartbeat: () => this.heartbeat(), pause: () => () => undefined });
          // eachBatchAutoResolve: the next fetch of this partition starts after the batch (unless a join reset it)
          if (this.generationId === generation) this.resolved.set(key, from + n);
          await this.heartbeat();
        }
        if (!fetched) await sleep(t.fetchWaitMs);
      } catch (e) {
        if (!(e instanceof SimProtocolError)) throw e;
        if (e.type === 'UNKNOWN_MEMBER_ID') this.memberId = null;
        else this.emit(this.events.REBALANCING, { groupId: 'sim', memberId: this.memberId });
        await this.joinAndSync();
      }
    }
  }

  async commitOffsets(offsets: Array<{ topic: string; partition: number; offset: string }>): Promise<void> {
    if (this.dead) return new Promise(() => undefined); // the process is gone: nothing ever comes back
    if (!this.running) return;
    try {
      this.group.commit(this.memberId ?? '', this.generationId, offsets);
    } catch (e) {
      if (e instanceof SimProtocolError) throw new SimNonRetriableError(e);
      throw e;
    }
    this.emit(this.events.COMMIT_OFFSETS, { groupId: 'sim', memberId: this.memberId, groupGenerationId: this.generationId, topics: offsets });
  }

  pause(topics: Array<{ topic: string; partitions?: number[] }>): void {
    for (const t of topics) this.pausedTopics.add(t.topic);
  }

  resume(topics: Array<{ topic: string; partitions?: number[] }>): void {
    for (const t of topics) if (!t.partitions) this.pausedTopics.delete(t.topic);
  }

  paused(): Array<{ topic: string; partitions: number[] }> {
    return Object.entries(this.assignment)
      .filter(([topic]) => this.pausedTopics.has(topic))
      .map(([topic, partitions]) => ({ topic, partitions }));
  }

  async disconnect(): Promise<void> {
    if (this.dead) return;
    this.running = false;
    await this.loop;
    if (this.memberId) this.group.leave(this.memberId);
    this.memberId = null;
  }

  /** The process dies: no more heartbeats, fetches or commits; the group notices after the session timeout. */
  crash(): void {
    this.dead = true;
    this.running = false;
  }

  /** The consumer stops heartbeating and fetching for `ms` (a long pause): the group may move on without it. */
  freeze(ms: number): void {
    this.frozenUntil = Date.now() + ms;
  }
}
