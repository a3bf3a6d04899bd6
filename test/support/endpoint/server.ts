/**
 * The local CloudTrail-compatible endpoint: an HTTP server that speaks CloudTrail's awsJson1_1 protocol
 * (and STS GetCallerIdentity) to the AWS SDK, the AWS CLI and the extension, unchanged.
 * Test support and demo only: never shipped in the .vsix. See README.md.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EndpointAccessKey, unknownKeyIdentity } from './accounts';
import { AthenaService } from './athena';
import { LAKE_OPERATIONS, LakeService } from './lake';
import { type AuthResult, parseAuthorization } from './auth';
import { BucketStore } from './buckets';
import { type Dataset, buildDataset, eventsOf } from './dataset';
import { loadDataDir } from './datadir';
import { ApiError, errors, trailArn } from './errors';
import { type WireEvent, toWireEvent } from './events';
import { type FaultPatch, FaultController, type RequestCounters, RequestLog, type RequestLogEntry } from './faults';
import { findFixturesDir } from './files';
import { parseLookupInput, runLookup } from './lookup';
import { type RateLimit, TokenBucketLimiter, defaultBurst } from './ratelimit';
import { DEFAULT_SEED, seedDataset } from './seed';
import { handleService, scopeService } from './services';
import { callerIdentityXml, parseQueryBody, stsErrorXml } from './sts';
import { NextTokenCodec } from './token';
import { type CallContext, type Json, type JsonObject, TrailStore } from './trails';

/** X-Amz-Target prefix of the service model (botocore, the AWS CLI). */
export const TARGET_PREFIX = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.';
/** The Smithy service shape name, which the AWS SDK for JavaScript v3 sends as the prefix. */
const SHORT_TARGET_PREFIX = 'CloudTrail_20131101.';

/** The operation an X-Amz-Target names, in either form the service accepts. */
export function operationOfTarget(target: string | undefined): string | undefined {
  if (!target) return undefined;
  for (const prefix of [TARGET_PREFIX, SHORT_TARGET_PREFIX]) {
    if (target.startsWith(prefix) && target.length > prefix.length) return target.slice(prefix.length);
  }
  return undefined;
}
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_BODY_BYTES = 1 << 20;

export interface EndpointOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** LookupEvents requests per second per (account, region) before ThrottlingException (default 2, as AWS). */
  rate?: number;
  /** LookupEvents burst (bucket size; default: the rate, at least 1). */
  burst?: number;
  /** Every other operation's limit per (account, region) (default 50/s, burst 100). */
  otherRate?: number;
  otherBurst?: number;
  /** An alternative dataset folder (README.md, "Alternative datasets"); default: the built-in one. */
  dataDir?: string;
  /** Where the built-in dataset's files are (default: test/fixtures/endpoint, found from this file). */
  fixturesDir?: string;
  /** Seed of the deterministic choices (placement, copies); same seed, same data. */
  seed?: string;
  /** Epoch ms the data is placed against (default: now at start). */
  now?: number;
  /** Clock for the API's "now" (trail status times, LookupEvents' default EndTime); default Date.now. */
  clock?: () => number;
  /** Copies of every event set, for volume (default 1). */
  scale?: number;
  /** Reject requests signed more than 5 minutes from the clock, as AWS does (default true). */
  checkClockSkew?: boolean;
  /** Entries kept in the request log (default 5000). */
  logLimit?: number;
  /** Called after every request (CLI --verbose). */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface EndpointState {
  readonly dataset: Dataset;
  readonly trails: TrailStore;
  /** The S3 buckets the trails deliver to (buckets.ts): what the S3 calls answer. */
  readonly buckets: BucketStore;
  readonly log: RequestLog;
  readonly counters: RequestCounters;
  /** LookupEvents as the API would page it: every event of an account/region, newest first. */
  events(accountId: string, region: string, options?: { insight?: boolean }): WireEvent[];
  eventCount(accountId: string, region: string, options?: { insight?: boolean }): number;
  readonly lookupRate: RateLimit;
  readonly otherRate: RateLimit;
  setLookupRate(limit: { rate: number; burst?: number }): void;
  setOtherRate(limit: { rate: number; burst?: number }): void;
  /** Trails back to the seed, counters and rate buckets cleared (faults are left alone). */
  reset(): void;
}

export interface Endpoint {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  close(): Promise<void>;
  faults: FaultController;
  state: EndpointState;
}

interface Caller {
  accessKeyId: string;
  key?: EndpointAccessKey;
  accountId: string;
  region: string;
  principalArn: string;
}

interface Reply {
  status: number;
  contentType: string;
  body: string;
  errorCode?: string;
  headers?: Record<string, string>;
}

function jsonReply(body: Json): Reply {
  return { status: 200, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(body) };
}

function jsonError(error: ApiError): Reply {
  return { status: error.status, contentType: JSON_CONTENT_TYPE, body: JSON.stringify({ __type: error.code, message: error.message }), errorCode: error.code };
}

function stsError(code: string, message: string, status: number, requestId: string): Reply {
  return { status, contentType: 'text/xml', body: stsErrorXml(code, message, requestId, status >= 500 ? 'Receiver' : 'Sender'), errorCode: code };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError('SerializationException', 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJsonBody(body: string): JsonObject {
  if (body.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw errors.serialization('Could not parse the request body as JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw errors.serialization('The request body must be a JSON object');
  return value as JsonObject;
}

/** The resource an AccessDenied message names: the trail when the request names one. */
function deniedResource(operation: string, input: JsonObject, caller: Caller): string {
  const named = input.Name ?? input.TrailName ?? input.ResourceId;
  if (typeof named === 'string' && named.length > 0) return named.startsWith('arn:') ? named : trailArn(caller.region, caller.accountId, named);
  if (operation === 'ListTags' && Array.isArray(input.ResourceIdList) && typeof input.ResourceIdList[0] === 'string') return input.ResourceIdList[0];
  return `arn:aws:cloudtrail:${caller.region}:${caller.accountId}:trail/*`;
}

export async function startEndpoint(options: EndpointOptions = {}): Promise<Endpoint> {
  const clock = options.clock ?? Date.now;
  const nowSec = Math.floor((options.now ?? clock()) / 1000);
  const spec = options.dataDir ? loadDataDir(options.dataDir, nowSec) : seedDataset(options.fixturesDir ?? findFixturesDir(), nowSec, options.seed ?? DEFAULT_SEED);
  const dataset = buildDataset(options.seed ? { ...spec, seed: options.seed } : spec, { nowSec, scale: options.scale ?? 1 });
  const trails = new TrailStore(dataset.trails);
  const buckets = new BucketStore(nowSec, () => trails.all());
  const log = new RequestLog(options.logLimit ?? 5000);
  const faults = new FaultController();
  const tokens = new NextTokenCodec(`next-token:${dataset.seed}`);
  const lookupRate = options.rate ?? 2;
  const lookupLimiter = new TokenBucketLimiter({ rate: lookupRate, burst: options.burst ?? defaultBurst(lookupRate) });
  const otherLimiter = new TokenBucketLimiter({ rate: options.otherRate ?? 50, burst: options.otherBurst ?? Math.max(100, defaultBurst(options.otherRate ?? 50)) });
  const checkSkew = options.checkClockSkew ?? true;
  const monotonic = (): number => performance.now();
  const athena = new AthenaService({ dataset, faults, identify, allow: (accountId, region) => otherLimiter.take(`${accountId}/${region}`, monotonic()).allowed, clock });
  const lake = new LakeService({ dataset, latency: (name) => faults.latencyFor(name), clock });

  const state: EndpointState = {
    dataset,
    trails,
    buckets,
    log,
    get counters() {
      return log.counters;
    },
    events(accountId, region, filter = {}) {
      const insight = filter.insight ?? false;
      return eventsOf(dataset, accountId, region)
        .filter((event) => event.insight === insight && event.time >= Math.floor(clock() / 1000) - 90 * 86_400)
        .map(toWireEvent);
    },
    eventCount(accountId, region, filter = {}) {
      return this.events(accountId, region, filter).length;
    },
    get lookupRate() {
      return lookupLimiter.current;
    },
    get otherRate() {
      return otherLimiter.current;
    },
    setLookupRate(limit) {
      lookupLimiter.setLimit({ rate: limit.rate, burst: limit.burst ?? defaultBurst(limit.rate) });
    },
    setOtherRate(limit) {
      otherLimiter.setLimit({ rate: limit.rate, burst: limit.burst ?? Math.max(100, defaultBurst(limit.rate)) });
    },
    reset() {
      trails.replaceAll(dataset.trails);
      log.clear();
      lookupLimiter.reset();
      otherLimiter.reset();
    },
  };

  function identify(accessKeyId: string, region: string): Caller {
    const key = dataset.keys.get(accessKeyId);
    if (key) return { accessKeyId, key, accountId: key.accountId, region, principalArn: key.arn };
    const unknown = unknownKeyIdentity(accessKeyId);
    return { accessKeyId, accountId: dataset.defaultAccountId, region, principalArn: unknown.arn };
  }

  function cloudTrailOperation(operation: string, input: JsonObject, caller: Caller): Json {
    const ctx: CallContext = { accountId: caller.accountId, region: caller.region, nowSec: Math.floor(clock() / 1000) };
    switch (operation) {
      case 'LookupEvents': {
        const parsed = parseLookupInput(input, caller.accountId, caller.region, ctx.nowSec);
        return runLookup(eventsOf(dataset, caller.accountId, caller.region), parsed, tokens) as unknown as Json;
      }
      case 'ListTrails':
        return trails.listTrails(ctx);
      case 'DescribeTrails': {
        const names = input.trailNameList;
        if (names !== undefined && names !== null && (!Array.isArray(names) || names.some((name) => typeof name !== 'string'))) throw errors.serialization('trailNameList must be a list of strings');
        if (input.includeShadowTrails !== undefined && input.includeShadowTrails !== null && typeof input.includeShadowTrails !== 'boolean') throw errors.serialization('includeShadowTrails must be a boolean');
        return trails.describeTrails(ctx, (names ?? undefined) as string[] | undefined, input.includeShadowTrails !== false);
      }
      case 'GetTrail':
        return trails.getTrail(ctx, input);
      case 'GetTrailStatus':
        return trails.getTrailStatus(ctx, input);
      case 'GetEventSelectors':
        return trails.getEventSelectors(ctx, input);
      case 'GetInsightSelectors':
        return trails.getInsightSelectors(ctx, input);
      case 'ListTags':
        return trails.listTags(ctx, input);
      case 'CreateTrail':
        return trails.createTrail(ctx, input);
      case 'UpdateTrail':
        return trails.updateTrail(ctx, input);
      case 'DeleteTrail':
        return trails.deleteTrail(ctx, input);
      case 'StartLogging':
        return trails.startLogging(ctx, input);
      case 'StopLogging':
        return trails.stopLogging(ctx, input);
      case 'PutEventSelectors':
        return trails.putEventSelectors(ctx, input);
      case 'PutInsightSelectors':
        return trails.putInsightSelectors(ctx, input);
      case 'AddTags':
        return trails.addTags(ctx, input);
      case 'RemoveTags':
        return trails.removeTags(ctx, input);
      default:
        throw new ApiError('UnknownOperationException', `The local CloudTrail endpoint does not implement ${operation}.`);
    }
  }

  /** Authentication failures: STS and CloudTrail word them differently. */
  function authFailure(auth: Exclude<AuthResult, { ok: true }>, sts: boolean, requestId: string): Reply {
    if (!sts) return jsonError(new ApiError(auth.code, auth.message));
    if (auth.code === 'MissingAuthenticationTokenException') return stsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403, requestId);
    if (auth.code === 'InvalidSignatureException') return stsError('SignatureDoesNotMatch', auth.message, 403, requestId);
    return stsError('IncompleteSignature', auth.message, 400, requestId);
  }

  async function handleApi(req: IncomingMessage, body: string, requestId: string, entry: Partial<RequestLogEntry>): Promise<Reply> {
    const target = header(req, 'x-amz-target');
    const contentType = header(req, 'content-type') ?? '';
    const looksSts = !target && contentType.startsWith('application/x-www-form-urlencoded');
    const auth = parseAuthorization({ authorization: header(req, 'authorization'), amzDate: header(req, 'x-amz-date'), date: header(req, 'date') }, checkSkew ? Date.now() : undefined);
    const service = auth.ok ? auth.scope.service : looksSts ? 'sts' : 'cloudtrail';
    const sts = service === 'sts';
    entry.service = sts ? 'sts' : 'cloudtrail';
    const operation = sts ? (parseQueryBody(body).action ?? '') : (operationOfTarget(target) ?? target ?? '');
    entry.operation = operation || '(none)';
    if (!auth.ok) return authFailure(auth, sts, requestId);
    if (service !== 'cloudtrail' && service !== 'sts') {
      return jsonError(new ApiError('IncompleteSignatureException', `Credential should be scoped to correct service: 'cloudtrail'. `));
    }

    const caller = identify(auth.scope.accessKeyId, auth.scope.region);
    Object.assign(entry, { accessKeyId: caller.accessKeyId, accountId: caller.accountId, region: caller.region });

    const latency = faults.latencyFor(operation);
    if (latency > 0) await sleep(latency);

    if (caller.key?.behaviour === 'expired' || faults.isExpired(caller.accessKeyId)) {
      return sts ? stsError('ExpiredToken', 'The security token included in the request is expired', 400, requestId) : jsonError(errors.expiredToken());
    }
    const failure = faults.takeFailure(operation);
    if (failure) {
      const error = failure === 503 ? errors.serviceUnavailable() : errors.internalFailure();
      return sts ? stsError(error.code, error.message, error.status, requestId) : jsonError(error);
    }

    if (sts) {
      const query = parseQueryBody(body);
      if (query.action !== 'GetCallerIdentity') {
        return stsError('InvalidAction', `Could not find operation ${query.action ?? '(none)'} for version ${query.version ?? 'NO_VERSION_SPECIFIED'}`, 400, requestId);
      }
      if (faults.isDenied(operation, caller.accessKeyId)) {
        return stsError('AccessDenied', `User: ${caller.principalArn} is not authorized to perform: sts:GetCallerIdentity`, 403, requestId);
      }
      if (faults.takeThrottle(operation) || !otherLimiter.take(`${caller.accountId}/${caller.region}`, monotonic()).allowed) {
        entry.throttled = true;
        return stsError('Throttling', 'Rate exceeded', 400, requestId);
      }
      const identity = caller.key ? { arn: caller.key.arn, userId: caller.key.userId, accountId: caller.key.accountId } : unknownKeyIdentity(caller.accessKeyId);
      return { status: 200, contentType: 'text/xml', body: callerIdentityXml(identity, requestId) };
    }

    if (!operationOfTarget(target)) {
      return jsonError(new ApiError('UnknownOperationException', target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header'));
    }
    const input = parseJsonBody(body);
    if (caller.key?.behaviour === 'access-denied' || faults.isDenied(operation, caller.accessKeyId)) {
      throw errors.accessDenied(caller.principalArn, operation, deniedResource(operation, input, caller));
    }
    const limiter = operation === 'LookupEvents' ? lookupLimiter : otherLimiter;
    if (faults.takeThrottle(operation) || !limiter.take(`${caller.accountId}/${caller.region}`, monotonic()).allowed) {
      entry.throttled = true;
      throw errors.throttling();
    }
    if (LAKE_OPERATIONS.has(operation)) return jsonReply(lake.handle(operation, input, caller));
    return jsonReply(cloudTrailOperation(operation, input, caller));
  }

  function handleControl(req: IncomingMessage, url: URL, body: string): Reply {
    const json = (value: unknown, status = 200): Reply => ({ status, contentType: 'application/json', body: JSON.stringify(value, null, 2) });
    if (!isLoopback(req.socket.remoteAddress)) return json({ message: 'The control API answers loopback clients only.' }, 403);
    const parse = (): Record<string, unknown> => {
      if (body.trim() === '') return {};
      const value = JSON.parse(body) as unknown;
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
      return value as Record<string, unknown>;
    };
    const method = req.method ?? 'GET';
    try {
      switch (`${method} ${url.pathname}`) {
        case 'GET /__health':
          return json({ ok: true });
        case 'GET /__faults':
          return json(faults.snapshot());
        case 'POST /__faults':
          return json(faults.apply(parse()).snapshot());
        case 'DELETE /__faults':
          return json(faults.reset().snapshot());
        case 'GET /__requests': {
          const limit = Number(url.searchParams.get('limit') ?? '100');
          return json({ counters: log.counters, lastSeq: log.lastSeq, log: log.recent(Number.isFinite(limit) ? limit : 100) });
        }
        case 'DELETE /__requests':
          log.clear();
          return json({ counters: log.counters });
        case 'POST /__rate': {
          const patch = parse();
          if (typeof patch.rate === 'number') state.setLookupRate({ rate: patch.rate, ...(typeof patch.burst === 'number' && { burst: patch.burst }) });
          if (typeof patch.otherRate === 'number') state.setOtherRate({ rate: patch.otherRate, ...(typeof patch.otherBurst === 'number' && { burst: patch.otherBurst }) });
          return json({ lookup: state.lookupRate, other: state.otherRate });
        }
        case 'POST /__reset':
          state.reset();
          faults.reset();
          return json({ ok: true });
        case 'GET /__accounts':
          return json(
            dataset.accountIds.map((accountId) => ({
              accountId,
              keys: [...dataset.keys.values()].filter((key) => key.accountId === accountId).map((key) => ({ profile: key.profile, accessKeyId: key.accessKeyId, behaviour: key.behaviour })),
              trails: trails.all().filter((trail) => trail.ownerAccountId === accountId).length,
              events: Object.fromEntries([...(dataset.events.get(accountId) ?? new Map<string, unknown[]>()).entries()].map(([region, list]) => [region, list.length])),
            })),
          );
        default:
          return json({ message: `No control route ${method} ${url.pathname}` }, 404);
      }
    } catch (error) {
      return json({ message: error instanceof Error ? error.message : String(error) }, 400);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = monotonic();
    const at = Date.now();
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const entry: Partial<RequestLogEntry> = { service: 'unknown', operation: '(none)', throttled: false };
    let reply: Reply;
    let control = false;
    try {
      const body = await readBody(req);
      // The service the request is signed for, unless it is a CloudTrail call (a CloudTrail
      // X-Amz-Target signed for the wrong service keeps CloudTrail's own error).
      const extra = operationOfTarget(header(req, 'x-amz-target')) ? undefined : scopeService(header(req, 'authorization'));
      if (url.pathname.startsWith('/__')) {
        control = true;
        reply = handleControl(req, url, body);
      } else if (extra === 'ec2' || extra === 's3') {
        // EC2 DescribeRegions and the S3 bucket reads of a posture scan (services.ts).
        const auth = parseAuthorization({ authorization: header(req, 'authorization'), amzDate: header(req, 'x-amz-date'), date: header(req, 'date') }, checkSkew ? Date.now() : undefined);
        reply = await handleService(extra, { method: req.method ?? 'GET', url, header: (name) => header(req, name), body, requestId }, auth, {
          buckets,
          faults,
          identify,
          allow: (accountId, region) => otherLimiter.take(`${accountId}/${region}`, monotonic()).allowed,
        }, entry);
      } else if (extra === 'athena') {
        // Athena (athena.ts): queries run on DuckDB over the seeded records.
        const auth = parseAuthorization({ authorization: header(req, 'authorization'), amzDate: header(req, 'x-amz-date'), date: header(req, 'date') }, checkSkew ? Date.now() : undefined);
        reply = await athena.handle({ method: req.method ?? 'GET', url, header: (name) => header(req, name), body, requestId }, auth, entry);
      } else if (req.method !== 'POST') {
        reply = jsonError(new ApiError('UnknownOperationException', `${req.method ?? 'GET'} is not supported: send POST / with an X-Amz-Target header`, 404));
      } else {
        reply = await handleApi(req, body, requestId, entry);
      }
    } catch (error) {
      reply = error instanceof ApiError ? jsonError(error) : jsonError(new ApiError('InternalFailure', error instanceof Error ? error.message : String(error), 500));
    }
    if (entry.service === 'sts' && reply.contentType === JSON_CONTENT_TYPE && reply.errorCode) {
      reply = stsError(reply.errorCode, (JSON.parse(reply.body) as { message: string }).message, reply.status, requestId);
    }
    res.writeHead(reply.status, {
      ...reply.headers,
      'Content-Type': reply.contentType,
      'Content-Length': Buffer.byteLength(reply.body),
      'x-amzn-RequestId': requestId,
      Date: new Date().toUTCString(),
    });
    res.end(reply.body);
    if (control) return;
    const logged = log.add({
      at,
      service: entry.service ?? 'unknown',
      operation: entry.operation ?? '(none)',
      ...(entry.accessKeyId && { accessKeyId: entry.accessKeyId }),
      ...(entry.accountId && { accountId: entry.accountId }),
      ...(entry.region && { region: entry.region }),
      status: reply.status,
      ...(reply.errorCode && { errorCode: reply.errorCode }),
      throttled: entry.throttled ?? false,
      durationMs: Math.round((monotonic() - started) * 10) / 10,
    });
    options.onRequest?.(logged);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': JSON_CONTENT_TYPE });
      res.end(JSON.stringify({ __type: 'InternalFailure', message: error instanceof Error ? error.message : String(error) }));
    });
  });
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    faults,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        athena.close();
        lake.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export type { FaultPatch };
