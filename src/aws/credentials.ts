/**
 * Credentials per profile, through @aws-sdk/credential-providers, resolved lazily (on the first
 * call that needs them) and memoized until shortly before they expire. One provider per profile is
 * shared by every client of that profile (all regions, CloudTrail and STS), so an SSO or
 * credential_process profile is resolved once, not once per client.
 *
 * Credentials stay in memory, inside the SDK's signer: never logged, never written anywhere.
 */
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { FALLBACK_REGION } from '../core/aws/profiles';
import type { ProfileStore } from './profiles';
import type { AwsLog } from './types';

type FromIniInit = NonNullable<Parameters<typeof fromIni>[0]>;
export type AwsCredentialIdentity = Awaited<ReturnType<ReturnType<typeof fromIni>>>;
export type CredentialProvider = () => Promise<AwsCredentialIdentity>;
type RoleAssumer = NonNullable<FromIniInit['roleAssumer']>;

export interface CredentialCacheOptions {
  readonly profiles: ProfileStore;
  /** The STS endpoint for a profile and region (for role profiles' AssumeRole), if overridden. */
  readonly stsEndpoint: (profile: string, region: string) => Promise<string | undefined>;
  readonly log: AwsLog;
  /** Asks the user for an MFA code (role profiles with mfa_serial). Without it such profiles fail with no-credentials. */
  readonly mfaCodeProvider?: (serial: string, profile: string) => Promise<string>;
  /** Refresh this long before expiry (ms). Default 5 minutes (capped at half the lifetime). */
  readonly refreshWindowMs?: number;
  readonly now?: () => number;
  /** Timeouts for the AssumeRole client. */
  readonly requestHandler?: { connectionTimeout?: number; requestTimeout?: number };
}

interface Memo {
  value?: AwsCredentialIdentity;
  fetchedAt: number;
  pending?: Promise<AwsCredentialIdentity>;
  /** Bumped by clear(): a resolution started before it does not fill the memo. */
  epoch: number;
  provider: CredentialProvider;
}

export class CredentialCache {
  private readonly memos = new Map<string, Memo>();
  private readonly now: () => number;
  private readonly refreshWindowMs: number;

  constructor(private readonly options: CredentialCacheOptions) {
    this.now = options.now ?? Date.now;
    this.refreshWindowMs = options.refreshWindowMs ?? 5 * 60_000;
  }

  /** The provider of `profile`: one per profile, pass it as a client's `credentials`. */
  provider(profile: string): CredentialProvider {
    let memo = this.memos.get(profile);
    if (!memo) {
      const source = this.source(profile);
      const created: Memo = {
        fetchedAt: 0,
        epoch: 0,
        provider: () => {
          if (created.value && this.fresh(created.value, created.fetchedAt)) return Promise.resolve(created.value);
          if (!created.pending) {
            const epoch = created.epoch;
            const pending = source()
              .then((value) => {
                if (created.epoch === epoch) {
                  created.value = value;
                  created.fetchedAt = this.now();
                }
                return value;
              })
              .finally(() => {
                if (created.pending === pending) created.pending = undefined;
              });
            created.pending = pending;
          }
          return created.pending;
        },
      };
      memo = created;
      this.memos.set(profile, memo);
    }
    return memo.provider;
  }

  /** When the cached credentials of `profile` expire (undefined: not loaded, or no expiry). */
  expiration(profile: string): Date | undefined {
    return this.memos.get(profile)?.value?.expiration;
  }

  /**
   * Forgets cached credentials (of one profile, or all): the next request resolves them again.
   * Providers stay the same functions, so clients that hold them pick up the new credentials.
   */
  clear(profile?: string): void {
    for (const [name, memo] of this.memos) {
      if (profile !== undefined && name !== profile) continue;
      memo.value = undefined;
      memo.pending = undefined;
      memo.epoch++;
    }
  }

  private fresh(value: AwsCredentialIdentity, fetchedAt: number): boolean {
    if (!value.expiration) return true;
    const expires = value.expiration.getTime();
    const window = Math.min(this.refreshWindowMs, Math.max(0, (expires - fetchedAt) / 2));
    return expires - this.now() > window;
  }

  /**
   * The SDK provider for a profile. The environment's own profile (AWS_PROFILE or `default`) goes
   * through the whole Node chain, as the AWS CLI does without --profile: environment keys, SSO,
   * shared files, credential_process, web identity, container and instance metadata. A profile
   * chosen by name reads the shared files only (fromIni), like `--profile NAME`.
   */
  private source(profile: string): CredentialProvider {
    const store = this.options.profiles;
    const common: FromIniInit = {
      filepath: store.credentialsFile,
      configFilepath: store.configFile,
      ignoreCache: true,
      roleAssumer: this.roleAssumer(profile),
      mfaCodeProvider: this.options.mfaCodeProvider ? (serial: string) => this.options.mfaCodeProvider!(serial, profile) : undefined,
    };
    return async () => {
      const region = await store.defaultRegion(profile);
      const init: FromIniInit = { ...common, clientConfig: { region } };
      this.options.log.debug(`credentials: resolving profile "${profile}"`);
      if (profile === store.environmentProfile()) {
        // Without `profile` so that the chain honours AWS_ACCESS_KEY_ID when AWS_PROFILE is unset.
        const explicit = store.env.AWS_PROFILE?.trim() ? { profile } : {};
        return fromNodeProviderChain({ ...init, ...explicit })();
      }
      return fromIni({ ...init, profile })();
    };
  }

  /** AssumeRole through our STS endpoint resolution, so role profiles follow endpoint overrides too. */
  private roleAssumer(requested: string): RoleAssumer {
    return async (sourceCredentials, params) => {
      const profiles = await this.options.profiles.profiles();
      const hop = profiles.find((item) => item.name === requested && item.roleArn === params.RoleArn) ?? profiles.find((item) => item.roleArn === params.RoleArn);
      const name = hop?.name ?? requested;
      const region = await this.options.profiles.defaultRegion(name);
      const endpoint = await this.options.stsEndpoint(name, region);
      const client = new STSClient({
        region: region || FALLBACK_REGION,
        endpoint,
        credentials: sourceCredentials,
        maxAttempts: 3,
        requestHandler: this.options.requestHandler,
      });
      try {
        this.options.log.debug(`credentials: assuming ${params.RoleArn} for profile "${name}"`);
        const output = await client.send(new AssumeRoleCommand(params));
        const credentials = output.Credentials;
        if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new Error(`AssumeRole returned no credentials for ${params.RoleArn}`);
        const account = /^arn:[^:]+:sts::(\d{12}):/.exec(output.AssumedRoleUser?.Arn ?? '')?.[1];
        return {
          accessKeyId: credentials.AccessKeyId,
          secretAccessKey: credentials.SecretAccessKey,
          sessionToken: credentials.SessionToken,
          expiration: credentials.Expiration,
          ...(account ? { accountId: account } : {}),
        };
      } finally {
        client.destroy();
      }
    };
  }
}
