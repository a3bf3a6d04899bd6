/**
 * The AWS layer: profiles -> credentials -> clients -> paced, paged calls. This module loads the
 * AWS SDK; the extension reaches it lazily through `AwsServices` (./index.ts), the CLI directly.
 *
 * Every rejection is an `AwsError` (kind + next step); throttles are absorbed; cancellation
 * (AbortSignal) stops waits and requests promptly.
 */
import { readFile } from 'node:fs/promises';
import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetInsightSelectorsCommand,
  GetTrailStatusCommand,
  ListTagsCommand,
  ListTrailsCommand,
  LookupEventsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
  type CloudTrailClient,
  type DescribeTrailsRequest,
  type GetEventSelectorsResponse,
  type GetInsightSelectorsResponse,
  type GetTrailStatusResponse,
  type LookupEventsResponse,
  type ResourceTag,
  type Trail,
  type TrailInfo,
  type UpdateTrailRequest,
  type UpdateTrailResponse,
} from '@aws-sdk/client-cloudtrail';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { Emitter, type Disposable, type Event } from '../core/aws/emitter';
import { resolveEndpoint, type ResolvedEndpoint } from '../core/aws/endpoints';
import { AwsError, cancelledError, errorFacts, retryClassOf, toAwsError, type ErrorFacts } from '../core/aws/errors';
import { PacedRequestError, pacedRequest, pages, type Page } from '../core/aws/paging';
import { Pacer, type PacerClock } from '../core/aws/pacer';
import { caBundlePath, type AwsEnvironment } from '../core/aws/profiles';
import { redact } from '../core/redact';
import { ClientFactory, type BaseClientConfig, type Destroyable, type ServiceId } from './clients';
import { CredentialCache } from './credentials';
import { ProfileStore } from './profiles';
import { silentLog, type AwsLog, type AwsTarget, type CallOptions, type LookupEventsInput, type LookupOptions, type LookupPage } from './types';
import { sleep } from '../core/aws/sleep';

export interface AwsLayerOptions {
  /** Default process.env. */
  readonly env?: AwsEnvironment;
  readonly homedir?: string;
  /** Share a store (the facade passes its own, already loaded by the status bar). */
  readonly profiles?: ProfileStore;
  /** The explicit endpoint override: the trusted, machine-scoped setting, or the CLI's --endpoint-url. */
  readonly endpointUrl?: string;
  /** LookupEvents requests per second per (account, region). Default 2, AWS's limit. */
  readonly lookupRate?: number;
  /** Headroom added to each LookupEvents interval (ms). Default 25. */
  readonly pacerMarginMs?: number;
  readonly pacerClock?: PacerClock;
  /** Attempts for normal calls, first included. Default 3. */
  readonly maxAttempts?: number;
  /** Consecutive throttles absorbed on one LookupEvents page before giving up (as kind `throttled`). Default 12. */
  readonly maxThrottleRetries?: number;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly mfaCodeProvider?: (serial: string, profile: string) => Promise<string>;
  readonly log?: AwsLog;
  readonly userAgent?: string;
}

export const USER_AGENT = 'cloudtrail-lens/0.1.0';

/** The IAM action of a call (`cloudtrail:DescribeTrails`, `s3:GetBucketLogging`): error messages name it. */
export type Operation = `${ServiceId}:${string}`;

/** `promise`, or a cancelled AwsError as soon as `signal` fires (the promise itself goes on). */
function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined, context: Omit<ErrorFacts, 'name' | 'code' | 'message' | 'httpStatus'>): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(cancelledError(context));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelledError(context));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function redactingLog(log: AwsLog): AwsLog {
  return {
    debug: (message) => log.debug(redact(message)),
    info: (message) => log.info(redact(message)),
    warn: (message) => log.warn(redact(message)),
  };
}

export class AwsLayer implements Disposable {
  readonly profiles: ProfileStore;
  private readonly ownsProfiles: boolean;
  private readonly log: AwsLog;
  private readonly credentials: CredentialCache;
  private readonly clients: ClientFactory;
  readonly pacer: Pacer;
  private readonly changed = new Emitter<void>();
  /** Fires when profiles or the endpoint override changed (clients were closed, caches cleared). */
  readonly onDidChange: Event<void> = this.changed.event;
  private endpointUrl: string | undefined;
  private accounts = new Map<string, Promise<string>>();
  private readonly caBundles = new Map<string, Promise<string>>();
  private readonly knownAccounts = new Map<string, string>();
  private readonly maxThrottleRetries: number;
  private readonly maxAttempts: number;
  private readonly subscriptions: Disposable[] = [];
  private disposed = false;

  constructor(options: AwsLayerOptions = {}) {
    this.log = redactingLog(options.log ?? silentLog);
    this.ownsProfiles = !options.profiles;
    this.profiles = options.profiles ?? new ProfileStore({ env: options.env, homedir: options.homedir, log: this.log });
    this.endpointUrl = options.endpointUrl?.trim() || undefined;
    this.maxThrottleRetries = options.maxThrottleRetries ?? 12;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.pacer = new Pacer({ ratePerSecond: options.lookupRate ?? 2, marginMs: options.pacerMarginMs, clock: options.pacerClock });
    const handlerTimeouts = { connectionTimeout: options.connectionTimeoutMs ?? 5_000, requestTimeout: options.requestTimeoutMs ?? 30_000 };
    this.credentials = new CredentialCache({
      profiles: this.profiles,
      stsEndpoint: async (profile, region) => (await this.endpoint('sts', { profile, region }))?.url,
      log: this.log,
      mfaCodeProvider: options.mfaCodeProvider,
      requestHandler: handlerTimeouts,
    });
    this.clients = new ClientFactory({
      credentials: this.credentials,
      endpointFor: async (service, profile, region) => (await this.endpoint(service, { profile, region }))?.url,
      caBundleFor: (profile) => this.caBundle(profile),
      log: this.log,
      maxAttempts: this.maxAttempts,
      connectionTimeoutMs: handlerTimeouts.connectionTimeout,
      requestTimeoutMs: handlerTimeouts.requestTimeout,
      userAgent: options.userAgent ?? USER_AGENT,
    });
    this.subscriptions.push(this.profiles.onDidChange(() => this.reset('profiles changed')));
  }

  /** The explicit endpoint override in force (setting / --endpoint-url). */
  get endpointOverride(): string | undefined {
    return this.endpointUrl;
  }

  /** Changes the explicit override; closes every client if it differs. */
  setEndpointOverride(url: string | undefined): void {
    const next = url?.trim() || undefined;
    if (next === this.endpointUrl) return;
    this.endpointUrl = next;
    this.reset('endpoint override changed');
  }

  /**
   * Forgets credentials and account ids (of one profile, or all) — e.g. after `aws sso login` —
   * without closing clients.
   */
  forget(profile?: string): void {
    this.credentials.clear(profile);
    if (profile === undefined) this.accounts = new Map();
    else this.accounts.delete(profile);
  }

  /** Where calls for `service` of this target go (undefined: AWS's default endpoint). */
  async endpoint(service: ServiceId, target: AwsTarget): Promise<ResolvedEndpoint | undefined> {
    const profile = await this.profiles.get(target.profile);
    const { endpoint, ignored } = resolveEndpoint(service, { setting: this.endpointUrl, env: this.profiles.env, profile });
    for (const item of ignored) this.log.warn(`ignoring endpoint ${JSON.stringify(item.value)} from ${item.source}: ${item.reason}`);
    return endpoint;
  }

  /**
   * The account id of a profile (STS GetCallerIdentity), cached until profiles change. Concurrent
   * callers share one request; each caller's signal cancels only its own wait.
   */
  accountId(profile: string, options: CallOptions = {}): Promise<string> {
    let pending = this.accounts.get(profile);
    if (!pending) {
      const accounts = this.accounts;
      const created = (async () => {
        const region = await this.profiles.defaultRegion(profile);
        const output = await this.call({ profile, region }, 'sts:GetCallerIdentity', async () => {
          const client = await this.clients.sts(profile, region);
          return client.send(new GetCallerIdentityCommand({}));
        }, undefined);
        if (!output.Account) throw new AwsError({ kind: 'unknown', message: 'STS returned no account id.', next: 'Try again.', retry: 'none', profile });
        this.knownAccounts.set(profile, output.Account);
        return output.Account;
      })();
      pending = created;
      accounts.set(profile, created);
      created.catch(() => {
        if (accounts.get(profile) === created) accounts.delete(profile);
      });
    }
    return withSignal(pending, options.signal, { operation: 'sts:GetCallerIdentity', profile });
  }

  /** The CA bundle of a profile (AWS_CA_BUNDLE or `ca_bundle`), read once per path. */
  private async caBundle(profile: string): Promise<{ path: string; pem: string } | undefined> {
    const path = caBundlePath(await this.profiles.get(profile), this.profiles.env);
    if (!path) return undefined;
    let pem = this.caBundles.get(path);
    if (!pem) {
      const reading = readFile(path, 'utf8');
      pem = reading;
      this.caBundles.set(path, reading);
      reading.catch(() => this.caBundles.delete(path));
    }
    try {
      return { path, pem: await pem };
    } catch (error) {
      throw new AwsError({
        kind: 'unreachable',
        message: `The CA bundle ${path} could not be read.`,
        next: 'Fix AWS_CA_BUNDLE or the profile\'s ca_bundle.',
        detail: error instanceof Error ? error.message : String(error),
        retry: 'none',
        profile,
      });
    }
  }

  /** The account id if it was already fetched (no call). */
  cachedAccountId(profile: string): string | undefined {
    return this.knownAccounts.get(profile);
  }

  /**
   * LookupEvents, paged: one page per iteration, paced at `lookupRate` per (account, region)
   * together with every other LookupEvents of this layer, fairly between consumers. Throttles are
   * retried through the pacer and never surface; transient failures are retried up to
   * `maxAttempts`; anything else rejects with an AwsError. Breaking out of the loop stops paging;
   * aborting the signal stops at once, even while waiting for a slot.
   */
  async *lookupEvents(target: AwsTarget, input: LookupEventsInput = {}, options: LookupOptions = {}): AsyncGenerator<LookupPage, void, undefined> {
    const { signal, stats } = options;
    const consumer = options.consumer ?? {};
    const request = { ...input, MaxResults: input.MaxResults ?? 50 };
    const context = await this.errorContext(target, 'cloudtrail:LookupEvents');
    const account = await this.paceAccount(target.profile, signal);
    const key = `${account ?? `profile:${target.profile}`}|${target.region}|${context.endpoint ?? 'aws'}`;
    let client: CloudTrailClient;
    try {
      client = await this.clients.cloudTrail(target.profile, target.region, 'paced');
    } catch (error) {
      throw toAwsError(error, context);
    }
    const fetch = async (token: string | undefined): Promise<Page<{ response: LookupEventsResponse; throttles: number }>> => {
      try {
        const result = await pacedRequest({
          acquire: () => this.pacer.acquire(key, consumer, signal),
          send: () => client.send(new LookupEventsCommand({ ...request, NextToken: token }), { abortSignal: signal }),
          retryClass: (error) => retryClassOf(errorFacts(error)),
          cancelled: () => signal?.aborted === true,
          onThrottle: (attempt) => {
            this.pacer.throttled(key, consumer);
            this.log.debug(`LookupEvents throttled (${target.profile}, ${target.region}); pausing, then retrying (${attempt})`);
          },
          onSuccess: () => this.pacer.succeeded(key),
          sleep: (ms) => sleep(ms, signal),
          maxThrottleRetries: this.maxThrottleRetries,
          maxAttempts: this.maxAttempts,
        });
        if (stats) {
          stats.requests += result.requests;
          stats.throttled += result.throttles;
          stats.retries += result.retries;
        }
        return { items: { response: result.value, throttles: result.throttles }, nextToken: result.value.NextToken };
      } catch (error) {
        const failed = error instanceof PacedRequestError ? error : undefined;
        if (stats && failed) {
          stats.requests += failed.requests;
          stats.throttled += failed.throttles;
          stats.retries += failed.retries;
        }
        if (signal?.aborted) throw cancelledError(context);
        throw this.noteFailure(toAwsError(failed ? failed.cause : error, context));
      }
    };
    for await (const page of pages(fetch, { startToken: options.nextToken, maxPages: options.maxPages })) {
      const events = page.items.response.Events ?? [];
      if (stats) {
        stats.pages++;
        stats.events += events.length;
      }
      yield { events, nextToken: page.nextToken, index: page.index, throttled: page.items.throttles, profile: target.profile, region: target.region, account };
    }
  }

  /** ListTrails, paged (not rate-limited like LookupEvents: the SDK's retry applies). */
  async *listTrails(target: AwsTarget, options: CallOptions = {}): AsyncGenerator<TrailInfo[], void, undefined> {
    const fetch = async (token: string | undefined): Promise<Page<TrailInfo[]>> => {
      const output = await this.cloudTrailCall(target, 'cloudtrail:ListTrails', (client) => client.send(new ListTrailsCommand({ NextToken: token }), { abortSignal: options.signal }), options.signal);
      return { items: output.Trails ?? [], nextToken: output.NextToken };
    };
    for await (const page of pages(fetch)) yield page.items;
  }

  async describeTrails(target: AwsTarget, input: DescribeTrailsRequest = {}, options: CallOptions = {}): Promise<Trail[]> {
    const output = await this.cloudTrailCall(target, 'cloudtrail:DescribeTrails', (client) => client.send(new DescribeTrailsCommand(input), { abortSignal: options.signal }), options.signal);
    return output.trailList ?? [];
  }

  getTrailStatus(target: AwsTarget, name: string, options: CallOptions = {}): Promise<GetTrailStatusResponse> {
    return this.cloudTrailCall(target, 'cloudtrail:GetTrailStatus', (client) => client.send(new GetTrailStatusCommand({ Name: name }), { abortSignal: options.signal }), options.signal);
  }

  getEventSelectors(target: AwsTarget, trailName: string, options: CallOptions = {}): Promise<GetEventSelectorsResponse> {
    return this.cloudTrailCall(target, 'cloudtrail:GetEventSelectors', (client) => client.send(new GetEventSelectorsCommand({ TrailName: trailName }), { abortSignal: options.signal }), options.signal);
  }

  getInsightSelectors(target: AwsTarget, trailName: string, options: CallOptions = {}): Promise<GetInsightSelectorsResponse> {
    return this.cloudTrailCall(target, 'cloudtrail:GetInsightSelectors', (client) => client.send(new GetInsightSelectorsCommand({ TrailName: trailName }), { abortSignal: options.signal }), options.signal);
  }

  /** ListTags for up to 20 trail ARNs per call (paged). Trails of other regions must be asked in their home region. */
  async listTags(target: AwsTarget, trailArns: readonly string[], options: CallOptions = {}): Promise<ResourceTag[]> {
    const out: ResourceTag[] = [];
    for (let start = 0; start < trailArns.length; start += 20) {
      const ids = trailArns.slice(start, start + 20);
      let token: string | undefined;
      do {
        const output = await this.cloudTrailCall(target, 'cloudtrail:ListTags', (client) => client.send(new ListTagsCommand({ ResourceIdList: ids, NextToken: token }), { abortSignal: options.signal }), options.signal);
        out.push(...(output.ResourceTagList ?? []));
        token = output.NextToken;
      } while (token);
    }
    return out;
  }

  /**
   * UpdateTrail — a write. Callers must have the user's confirmation first; send it to the
   * trail's home region (elsewhere CloudTrail answers InvalidHomeRegionException).
   */
  updateTrail(target: AwsTarget, input: UpdateTrailRequest, options: CallOptions = {}): Promise<UpdateTrailResponse> {
    return this.cloudTrailCall(target, 'cloudtrail:UpdateTrail', (client) => client.send(new UpdateTrailCommand(input), { abortSignal: options.signal }), options.signal);
  }

  /** StartLogging — a write, in the trail's home region, after the user's confirmation. */
  async startLogging(target: AwsTarget, name: string, options: CallOptions = {}): Promise<void> {
    await this.cloudTrailCall(target, 'cloudtrail:StartLogging', (client) => client.send(new StartLoggingCommand({ Name: name }), { abortSignal: options.signal }), options.signal);
  }

  /**
   * A client of another service (EC2, S3) for a profile and region, from the layer's cache: same
   * credentials, endpoint precedence (AWS_ENDPOINT_URL_S3 …), CA bundle, retry and timeouts.
   * Only src/aws calls it (it is where the SDK clients are imported).
   */
  async serviceClient<T extends Destroyable>(service: Exclude<ServiceId, 'cloudtrail' | 'sts'>, target: AwsTarget, create: (config: BaseClientConfig) => T): Promise<T> {
    try {
      return await this.clients.client(service, target.profile, target.region, create);
    } catch (error) {
      throw toAwsError(error, await this.errorContext(target, `${service}:client`));
    }
  }

  /** The CloudTrail client of a profile and region (the cached one), for calls the layer has no method for (CloudTrail Lake). */
  async cloudTrailClient(target: AwsTarget): Promise<CloudTrailClient> {
    try {
      return await this.clients.cloudTrail(target.profile, target.region);
    } catch (error) {
      throw toAwsError(error, await this.errorContext(target, 'cloudtrail:client'));
    }
  }

  /**
   * Runs one request with the layer's error handling: rejects with an AwsError (kind, next step,
   * the missing IAM action named after `operation`); a refused credential is forgotten.
   */
  send<T>(target: AwsTarget, operation: Operation, run: () => Promise<T>, options: CallOptions = {}): Promise<T> {
    return this.call(target, operation, run, options.signal);
  }

  /** Closes every client and stops waiting requests. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const subscription of this.subscriptions) subscription.dispose();
    this.clients.clear();
    this.pacer.dispose();
    this.changed.dispose();
    if (this.ownsProfiles) this.profiles.dispose();
  }

  /** Credentials the service refused are forgotten, so the next call (after a sign-in) resolves them again. */
  private noteFailure(failure: AwsError): AwsError {
    if (failure.profile && (failure.kind === 'credentials-expired' || failure.kind === 'sso-expired' || failure.kind === 'invalid-credentials')) {
      this.credentials.clear(failure.profile);
    }
    return failure;
  }

  private reset(reason: string): void {
    this.log.info(`aws: ${reason}; closing clients`);
    this.clients.clear();
    this.forget();
    this.knownAccounts.clear();
    this.caBundles.clear();
    this.changed.fire();
  }

  /**
   * The account to pace by. If STS cannot say (a different endpoint for STS, say), pace by
   * profile instead; the LookupEvents call itself then reports whatever is wrong.
   */
  private async paceAccount(profile: string, signal: AbortSignal | undefined): Promise<string | undefined> {
    try {
      return await this.accountId(profile, { signal });
    } catch (error) {
      if (signal?.aborted) throw toAwsError(error);
      const failure = toAwsError(error);
      this.log.debug(`pacing by profile "${profile}": account unknown (${failure.kind})`);
      return undefined;
    }
  }

  private async errorContext(target: AwsTarget, operation: Operation): Promise<Omit<ErrorFacts, 'name' | 'code' | 'message' | 'httpStatus'>> {
    const profile = await this.profiles.get(target.profile).catch(() => undefined);
    const endpoint = await this.endpoint(operation.slice(0, operation.indexOf(':')) as ServiceId, target).catch(() => undefined);
    return { operation, profile: target.profile, profileKind: profile?.kind, region: target.region, endpoint: endpoint?.url };
  }

  private cloudTrailCall<T>(target: AwsTarget, operation: Operation, send: (client: CloudTrailClient) => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    return this.call(target, operation, async () => send(await this.clients.cloudTrail(target.profile, target.region)), signal);
  }

  private async call<T>(target: AwsTarget, operation: Operation, run: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (signal?.aborted) throw cancelledError({ operation, profile: target.profile, region: target.region });
    try {
      return await run();
    } catch (error) {
      const context = await this.errorContext(target, operation);
      if (signal?.aborted) throw cancelledError(context);
      const failure = this.noteFailure(toAwsError(error, context));
      if (failure.kind !== 'cancelled') this.log.debug(`${operation} (${target.profile}, ${target.region}) failed: ${failure.kind}: ${failure.detail ?? failure.message}`);
      throw failure;
    }
  }
}
