/**
 * Fault injection for tests and demos — added latency, 5xx bursts, AccessDenied on chosen operations,
 * expired credentials for chosen keys, forced throttles — and the request log with its counters.
 * Controlled in-process (`endpoint.faults`) or over HTTP (`POST /__faults`, loopback only).
 */

export interface FailureRule {
  /** How many matching calls still fail. */
  remaining: number;
  status: 500 | 503;
  /** Only this operation (e.g. "LookupEvents"); all CloudTrail and STS operations when absent. */
  operation?: string;
}

export interface DenyRule {
  operation: string;
  /** Only for this access key id; every key when absent. */
  accessKeyId?: string;
}

export interface ThrottleRule {
  remaining: number;
  operation?: string;
}

export interface FaultSnapshot {
  latencyMs: number;
  latencyByOperation: Record<string, number>;
  failures: FailureRule[];
  denied: DenyRule[];
  expiredAccessKeys: string[];
  throttles: ThrottleRule[];
}

/** The JSON accepted by `POST /__faults` (every field optional; lists are added to what is set). */
export interface FaultPatch {
  reset?: boolean;
  latencyMs?: number;
  latencyByOperation?: Record<string, number>;
  failNext?: { count: number; status?: 500 | 503; operation?: string };
  deny?: DenyRule | DenyRule[];
  allow?: DenyRule | DenyRule[];
  expire?: string | string[];
  unexpire?: string | string[];
  throttleNext?: { count: number; operation?: string };
}

export class FaultController {
  private latencyMs = 0;
  private latencyByOperation = new Map<string, number>();
  private failures: FailureRule[] = [];
  private denied: DenyRule[] = [];
  private expired = new Set<string>();
  private throttles: ThrottleRule[] = [];

  /** Adds `ms` to every call, or to one operation's calls. */
  setLatency(ms: number, operation?: string): this {
    if (!(ms >= 0)) throw new Error(`latency must be ≥ 0 ms, got ${ms}`);
    if (operation) this.latencyByOperation.set(operation, ms);
    else this.latencyMs = ms;
    return this;
  }

  /** The next `count` calls (of one operation, or any) answer 500 InternalFailure or 503 ServiceUnavailable. */
  failNext(count: number, options: { status?: 500 | 503; operation?: string } = {}): this {
    if (count > 0) this.failures.push({ remaining: Math.floor(count), status: options.status ?? 500, ...(options.operation && { operation: options.operation }) });
    return this;
  }

  /** Calls of `operation` (for one key, or every key) answer AccessDeniedException. */
  denyOperation(operation: string, accessKeyId?: string): this {
    this.denied.push({ operation, ...(accessKeyId && { accessKeyId }) });
    return this;
  }

  allowOperation(operation: string, accessKeyId?: string): this {
    this.denied = this.denied.filter((rule) => !(rule.operation === operation && rule.accessKeyId === accessKeyId));
    return this;
  }

  /** Every call signed with this access key id answers ExpiredTokenException (STS: ExpiredToken). */
  expireAccessKey(accessKeyId: string): this {
    this.expired.add(accessKeyId);
    return this;
  }

  unexpireAccessKey(accessKeyId: string): this {
    this.expired.delete(accessKeyId);
    return this;
  }

  /** The next `count` calls (of one operation, or any) answer ThrottlingException whatever the rate. */
  throttleNext(count: number, operation?: string): this {
    if (count > 0) this.throttles.push({ remaining: Math.floor(count), ...(operation && { operation }) });
    return this;
  }

  reset(): this {
    this.latencyMs = 0;
    this.latencyByOperation.clear();
    this.failures = [];
    this.denied = [];
    this.expired.clear();
    this.throttles = [];
    return this;
  }

  apply(patch: FaultPatch): this {
    const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
    if (patch.reset) this.reset();
    if (patch.latencyMs !== undefined) this.setLatency(patch.latencyMs);
    for (const [operation, ms] of Object.entries(patch.latencyByOperation ?? {})) this.setLatency(ms, operation);
    if (patch.failNext) this.failNext(patch.failNext.count, { ...(patch.failNext.status && { status: patch.failNext.status }), ...(patch.failNext.operation && { operation: patch.failNext.operation }) });
    for (const rule of list(patch.deny)) this.denyOperation(rule.operation, rule.accessKeyId);
    for (const rule of list(patch.allow)) this.allowOperation(rule.operation, rule.accessKeyId);
    for (const key of list(patch.expire)) this.expireAccessKey(key);
    for (const key of list(patch.unexpire)) this.unexpireAccessKey(key);
    if (patch.throttleNext) this.throttleNext(patch.throttleNext.count, patch.throttleNext.operation);
    return this;
  }

  snapshot(): FaultSnapshot {
    return {
      latencyMs: this.latencyMs,
      latencyByOperation: Object.fromEntries(this.latencyByOperation),
      failures: this.failures.map((rule) => ({ ...rule })),
      denied: this.denied.map((rule) => ({ ...rule })),
      expiredAccessKeys: [...this.expired],
      throttles: this.throttles.map((rule) => ({ ...rule })),
    };
  }

  // ---- used by the server

  latencyFor(operation: string): number {
    return this.latencyMs + (this.latencyByOperation.get(operation) ?? 0);
  }

  isExpired(accessKeyId: string): boolean {
    return this.expired.has(accessKeyId);
  }

  isDenied(operation: string, accessKeyId: string): boolean {
    return this.denied.some((rule) => rule.operation === operation && (!rule.accessKeyId || rule.accessKeyId === accessKeyId));
  }

  /** Consumes one pending failure for the operation, if any. */
  takeFailure(operation: string): 500 | 503 | undefined {
    const rule = this.failures.find((candidate) => !candidate.operation || candidate.operation === operation);
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.failures = this.failures.filter((candidate) => candidate !== rule);
    return rule.status;
  }

  takeThrottle(operation: string): boolean {
    const rule = this.throttles.find((candidate) => !candidate.operation || candidate.operation === operation);
    if (!rule) return false;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.throttles = this.throttles.filter((candidate) => candidate !== rule);
    return true;
  }
}

export interface RequestLogEntry {
  seq: number;
  /** Epoch milliseconds when the request arrived. */
  at: number;
  service: 'cloudtrail' | 'sts' | 'ec2' | 's3' | 'athena' | 'unknown';
  operation: string;
  accessKeyId?: string;
  accountId?: string;
  region?: string;
  status: number;
  errorCode?: string;
  throttled: boolean;
  durationMs: number;
}

export interface RequestCounters {
  total: number;
  throttled: number;
  errors: number;
  byOperation: Record<string, number>;
  byErrorCode: Record<string, number>;
  /** `${accountId}/${region}/${operation}` -> requests (throttled ones included). */
  byScope: Record<string, number>;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;
  counters: RequestCounters = emptyCounters();

  constructor(private readonly limit = 5000) {}

  add(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full: RequestLogEntry = { seq: ++this.seq, ...entry };
    this.entries.push(full);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    const c = this.counters;
    c.total += 1;
    if (entry.throttled) c.throttled += 1;
    if (entry.status >= 400) c.errors += 1;
    c.byOperation[entry.operation] = (c.byOperation[entry.operation] ?? 0) + 1;
    if (entry.errorCode) c.byErrorCode[entry.errorCode] = (c.byErrorCode[entry.errorCode] ?? 0) + 1;
    const scope = `${entry.accountId ?? '-'}/${entry.region ?? '-'}/${entry.operation}`;
    c.byScope[scope] = (c.byScope[scope] ?? 0) + 1;
    return full;
  }

  /** The most recent entries, oldest first. */
  recent(limit = this.limit): readonly RequestLogEntry[] {
    return this.entries.slice(-limit);
  }

  /** Entries matching a filter (e.g. one operation since a sequence number). */
  where(filter: { operation?: string; since?: number; accountId?: string; region?: string }): RequestLogEntry[] {
    return this.entries.filter(
      (entry) =>
        (filter.operation === undefined || entry.operation === filter.operation) &&
        (filter.since === undefined || entry.seq > filter.since) &&
        (filter.accountId === undefined || entry.accountId === filter.accountId) &&
        (filter.region === undefined || entry.region === filter.region),
    );
  }

  /** Sequence number of the latest entry: pass it as `since` to count what follows. */
  get lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.entries = [];
    this.counters = emptyCounters();
  }
}

function emptyCounters(): RequestCounters {
  return { total: 0, throttled: 0, errors: 0, byOperation: {}, byErrorCode: {}, byScope: {} };
}
