/**
 * SDK clients, one per (service, retry mode, profile, region, endpoint), created on first use and
 * destroyed (sockets closed) when profiles or the endpoint override change.
 *
 * Two retry modes for CloudTrail:
 * - `normal`: the SDK's standard retry, at most `maxAttempts` (3) attempts — DescribeTrails & co.
 * - `paced`: one attempt; the caller (the LookupEvents iterator) retries through the pacer, so a
 *   retry never jumps the rate limit and every throttle is counted.
 */
import { rootCertificates } from 'node:tls';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { STSClient } from '@aws-sdk/client-sts';
import type { CredentialCache } from './credentials';
import type { AwsLog } from './types';

export type RetryMode = 'normal' | 'paced';

/** Services the layer makes clients for (the lower-case SDK service ids, as in AWS_ENDPOINT_URL_<ID>). */
export type ServiceId = 'cloudtrail' | 'sts' | 'ec2' | 's3' | 'athena';

/** What every client of the factory is created with (region, endpoint, shared credentials, retry, timeouts). */
export type BaseClientConfig = ClientConfig;

export interface ClientFactoryOptions {
  readonly credentials: CredentialCache;
  /** The endpoint for a service call, or undefined for AWS's default. */
  readonly endpointFor: (service: ServiceId, profile: string, region: string) => Promise<string | undefined>;
  /** Extra certificate authorities (PEM) for a profile: AWS_CA_BUNDLE / ca_bundle. */
  readonly caBundleFor?: (profile: string) => Promise<{ path: string; pem: string } | undefined>;
  readonly log: AwsLog;
  /** Attempts for normal calls (first try included). Default 3. */
  readonly maxAttempts?: number;
  /** Default 5000 ms. */
  readonly connectionTimeoutMs?: number;
  /** Default 30000 ms. */
  readonly requestTimeoutMs?: number;
  /** Appended to the SDK's user agent. */
  readonly userAgent?: string;
}

export interface Destroyable {
  destroy(): void;
}

type ClientConfig = NonNullable<ConstructorParameters<typeof CloudTrailClient>[0]> & NonNullable<ConstructorParameters<typeof STSClient>[0]>;

export class ClientFactory {
  private clients = new Map<string, Destroyable>();
  private generation = 0;

  constructor(private readonly options: ClientFactoryOptions) {}

  async cloudTrail(profile: string, region: string, mode: RetryMode = 'normal'): Promise<CloudTrailClient> {
    return (await this.get('cloudtrail', mode, profile, region, (config) => new CloudTrailClient(config))) as CloudTrailClient;
  }

  async sts(profile: string, region: string): Promise<STSClient> {
    return (await this.get('sts', 'normal', profile, region, (config) => new STSClient(config))) as STSClient;
  }

  /**
   * A client of another service (EC2, S3…) from the same cache: same credentials, endpoint
   * resolution, CA bundle, retry and timeouts. `create` may add service options (S3's
   * forcePathStyle). The client is destroyed with the others on clear().
   */
  async client<T extends Destroyable>(service: Exclude<ServiceId, 'cloudtrail' | 'sts'>, profile: string, region: string, create: (config: BaseClientConfig) => T): Promise<T> {
    return (await this.get(service, 'normal', profile, region, create)) as T;
  }

  /** How many clients are alive (for tests and the log). */
  get size(): number {
    return this.clients.size;
  }

  /** Destroys every client (closing their sockets); the next call creates new ones. */
  clear(): void {
    const old = this.clients;
    this.clients = new Map();
    this.generation++;
    for (const client of old.values()) client.destroy();
    if (old.size > 0) this.options.log.debug(`aws: closed ${old.size} client(s)`);
  }

  private async get(service: ServiceId, mode: RetryMode, profile: string, region: string, create: (config: ClientConfig) => Destroyable): Promise<Destroyable> {
    for (;;) {
      const generation = this.generation;
      // The endpoint is part of the key (profile files are cached, so resolving it is cheap).
      const endpoint = await this.options.endpointFor(service, profile, region);
      const ca = await this.options.caBundleFor?.(profile);
      if (generation !== this.generation) continue; // profiles changed meanwhile: resolve again
      const key = JSON.stringify([service, mode, profile, region, endpoint ?? '', ca?.path ?? '']);
      const existing = this.clients.get(key);
      if (existing) return existing;
      const client = create({
        region,
        endpoint,
        credentials: this.options.credentials.provider(profile),
        maxAttempts: mode === 'paced' ? 1 : (this.options.maxAttempts ?? 3),
        retryMode: 'standard',
        customUserAgent: this.options.userAgent,
        requestHandler: {
          connectionTimeout: this.options.connectionTimeoutMs ?? 5_000,
          requestTimeout: this.options.requestTimeoutMs ?? 30_000,
          // Node's default CAs plus the bundle (a bundle replaces them in Node, so add both).
          ...(ca ? { httpsAgent: { keepAlive: true, ca: [...rootCertificates, ca.pem] } } : {}),
        },
      });
      this.clients.set(key, client);
      this.options.log.debug(`aws: ${service} client for profile "${profile}" in ${region}${endpoint ? ` at ${endpoint}` : ''} (${mode})`);
      return client;
    }
  }
}
