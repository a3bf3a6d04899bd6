/**
 * The entry point of the AWS layer for the extension: `AwsServices`, a light facade that lists
 * profiles without the SDK and loads the rest (./layer, which imports @aws-sdk) on first use.
 * Importing this module never loads the SDK, so activation stays cheap; there is one layer (one
 * pacer, one set of clients) per AwsServices, shared by every feature.
 *
 * Features:
 *   const pages = services.aws.lookupEvents({ profile, region }, { LookupAttributes: [...] }, { signal });
 *   for await (const page of pages) { ... }
 *   try { ... } catch (error) { if (isAwsError(error)) show(error.message, error.next) }
 *
 * The CLI may use ./layer directly (it always needs the SDK).
 */
import { Emitter, type Disposable, type Event } from '../core/aws/emitter';
import { cancelledError } from '../core/aws/errors';
import type { AwsProfile } from '../core/aws/profiles';
import type { ProfileScan } from '../core/posture/report';
import type { Remediation } from '../core/posture/remediation';
import type { AthenaSetupPlan } from '../core/athena/ddl';
import type { AthenaItem, AthenaPlace, AthenaRunInput, AthenaRunOptions } from './athena';
import type { LakeItem, LakeRunInput, LakeRunOptions, LakeStore } from './lake';
import type { AwsLayer, AwsLayerOptions } from './layer';
import type { PostureScanOptions } from './posture';
import { ProfileStore } from './profiles';
import { silentLog, type AwsTarget, type CallOptions, type LookupEventsInput, type LookupOptions, type LookupPage } from './types';

export { AwsError, isAwsError, type AwsErrorKind, type AwsErrorInfo } from '../core/aws/errors';
export type { AwsProfile, ProfileKind, ProfileSet } from '../core/aws/profiles';
export type { AthenaItem, AthenaPlace, AthenaRunInput, AthenaRunOptions, AthenaStats } from './athena';
export type { LakeItem, LakeRunInput, LakeRunOptions, LakeStats, LakeStore } from './lake';
export type { AwsLayer, AwsLayerOptions } from './layer';
export type { PostureScanOptions } from './posture';
export { ProfileStore } from './profiles';
export * from './types';

export class AwsServices implements Disposable {
  readonly profiles: ProfileStore;
  private readonly options: AwsLayerOptions;
  private endpointUrl: string | undefined;
  private loading: Promise<AwsLayer> | undefined;
  private instance: AwsLayer | undefined;
  private readonly changed = new Emitter<void>();
  /** Fires when profiles (the files) or the endpoint override changed. Clients were closed. */
  readonly onDidChange: Event<void> = this.changed.event;
  private readonly subscriptions: Disposable[] = [];
  private disposed = false;

  constructor(options: AwsLayerOptions = {}) {
    this.options = options;
    this.profiles = options.profiles ?? new ProfileStore({ env: options.env, homedir: options.homedir, log: options.log ?? silentLog });
    this.endpointUrl = options.endpointUrl;
    // After the layer (subscribed to the same store) has closed its clients: fire on a microtask.
    this.subscriptions.push(this.profiles.onDidChange(() => queueMicrotask(() => this.changed.fire())));
  }

  /** The SDK-backed layer, loaded on first call. */
  layer(): Promise<AwsLayer> {
    if (this.disposed) return Promise.reject(cancelledError());
    return (this.loading ??= import('./layer.js').then(({ AwsLayer }) => {
      const layer = new AwsLayer({ ...this.options, profiles: this.profiles, endpointUrl: this.endpointUrl });
      if (this.disposed) layer.dispose();
      this.instance = layer;
      return layer;
    }));
  }

  /** Whether the SDK has been loaded (for tests of activation cost). */
  get loaded(): boolean {
    return this.instance !== undefined;
  }

  /** Sets the explicit endpoint override (the trusted setting); closes clients when it changes. */
  setEndpointOverride(url: string | undefined): void {
    const next = url?.trim() || undefined;
    if (next === this.endpointUrl) return;
    this.endpointUrl = next;
    this.instance?.setEndpointOverride(next);
    this.changed.fire();
  }

  get endpointOverride(): string | undefined {
    return this.endpointUrl;
  }

  /** Profiles from the files (no SDK). */
  listProfiles(): Promise<readonly AwsProfile[]> {
    return this.profiles.profiles();
  }

  /** The profile and region to use when the user chose nothing: AWS_PROFILE/default and its region. */
  async defaultTarget(): Promise<AwsTarget> {
    const profile = this.profiles.environmentProfile();
    return { profile, region: await this.profiles.defaultRegion(profile) };
  }

  /** See AwsLayer.lookupEvents. */
  async *lookupEvents(target: AwsTarget, input: LookupEventsInput = {}, options: LookupOptions = {}): AsyncGenerator<LookupPage, void, undefined> {
    const layer = await this.layer();
    yield* layer.lookupEvents(target, input, options);
  }

  /** The account id of a profile (STS), cached. */
  async accountId(profile: string, options: CallOptions = {}): Promise<string> {
    return (await this.layer()).accountId(profile, options);
  }

  /** The account id if already known — from STS earlier, or named in the files (SSO / role ARN). No call. */
  knownAccountId(profile: AwsProfile | string): string | undefined {
    const name = typeof profile === 'string' ? profile : profile.name;
    return this.instance?.cachedAccountId(name) ?? (typeof profile === 'string' ? undefined : profile.accountHint);
  }

  /**
   * Reads a profile's trails and everything the best-practice rules look at (./posture.ts; loads
   * the EC2 and S3 clients on first use). Resolves with `error` set when the profile cannot be
   * read; rejects only when cancelled.
   */
  async scanPosture(profile: string, options: PostureScanOptions = {}): Promise<ProfileScan> {
    const [layer, posture] = await Promise.all([this.layer(), import('./posture.js')]);
    return posture.scanProfile(layer, profile, options);
  }

  /**
   * Makes a remediation's change (UpdateTrail / StartLogging in the trail's home region). A
   * write: callers ask the user first. Rejects with an AwsError.
   */
  async applyRemediation(profile: string, remediation: Remediation, options: CallOptions = {}): Promise<void> {
    const [layer, posture] = await Promise.all([this.layer(), import('./posture.js')]);
    await posture.applyRemediation(layer, profile, remediation, options);
  }

  /**
   * Runs a search (or raw SQL) on Athena over a trail's logs: see ./athena.ts runAthenaQuery. The
   * Athena client is loaded on first use; aborting the signal stops the query (StopQueryExecution).
   */
  async *runAthenaQuery(target: AwsTarget, input: AthenaRunInput, options: AthenaRunOptions = {}): AsyncGenerator<AthenaItem, void, undefined> {
    const [layer, athena] = await Promise.all([this.layer(), import('./athena.js')]);
    yield* athena.runAthenaQuery(layer, target, input, options);
  }

  /** The ENABLED CloudTrail Lake event data stores of a profile (./lake.ts); none for most accounts. */
  async listEventDataStores(target: AwsTarget, signal?: AbortSignal): Promise<LakeStore[]> {
    const [layer, lake] = await Promise.all([this.layer(), import('./lake.js')]);
    return lake.listEventDataStores(layer, target, signal);
  }

  /** Runs a search (or raw SQL) against a CloudTrail Lake event data store: see ./lake.ts runLakeQuery. Aborting sends CancelQuery. */
  async *runLakeQuery(target: AwsTarget, input: LakeRunInput, options: LakeRunOptions = {}): AsyncGenerator<LakeItem, void, undefined> {
    const [layer, lake] = await Promise.all([this.layer(), import('./lake.js')]);
    yield* lake.runLakeQuery(layer, target, input, options);
  }

  /**
   * Runs Athena setup statements (athenaSetupPlan: CREATE DATABASE / CREATE EXTERNAL TABLE). A
   * write: callers show `plan.creates` and ask the user first. Rejects with an AwsError.
   */
  async athenaSetup(target: AwsTarget, plan: AthenaSetupPlan, place: AthenaPlace, options: AthenaRunOptions = {}): Promise<Array<{ sql: string; queryExecutionId: string }>> {
    const [layer, athena] = await Promise.all([this.layer(), import('./athena.js')]);
    return athena.runAthenaSetup(layer, target, plan, place, options);
  }

  /** DescribeTrails (the trails visible in a profile's region, shadow trails included). */
  async describeTrails(target: AwsTarget, options: CallOptions = {}): Promise<Awaited<ReturnType<AwsLayer['describeTrails']>>> {
    return (await this.layer()).describeTrails(target, {}, options);
  }

  /** Forgets cached credentials and account ids (after `aws sso login`, say). */
  forget(profile?: string): void {
    this.instance?.forget(profile);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const subscription of this.subscriptions) subscription.dispose();
    this.instance?.dispose();
    this.changed.dispose();
    if (!this.options.profiles) this.profiles.dispose();
  }
}
