/**
 * Profiles from the two AWS shared files, as plain data. Pure: the caller reads the files and the
 * environment and passes their text and values in.
 *
 * - config file: `[default]` (or `[profile default]`), `[profile NAME]`, `[sso-session NAME]`,
 *   `[services NAME]`;
 * - credentials file: `[NAME]` (no prefix);
 * - a profile in both files is merged, the credentials file winning key by key (as the SDK does).
 *
 * Never copies a secret into the model: only whether the profile *has* static keys.
 */
import { parseIni, type IniFile, type IniSection, type IniWarning } from './ini';

export type ProfileKind = 'static' | 'sso' | 'role' | 'process' | 'web-identity' | 'login' | 'unknown';

/** How a profile gets its credentials, in a few words (empty when unknown). */
export const PROFILE_KIND_LABELS: Readonly<Record<ProfileKind, string>> = {
  static: 'access keys',
  sso: 'SSO',
  role: 'role',
  process: 'credential process',
  'web-identity': 'web identity',
  login: 'console login',
  unknown: '',
};

export interface AwsProfile {
  readonly name: string;
  /** Where its sections are. */
  readonly sources: readonly ('config' | 'credentials')[];
  /** How its credentials are obtained (the first that applies, in the SDK's order). */
  readonly kind: ProfileKind;
  readonly region?: string;
  /** The profile's global `endpoint_url`. */
  readonly endpointUrl?: string;
  /** Per-service endpoints from its `services` section: `{ cloudtrail: 'http://…' }`. */
  readonly serviceEndpoints: Readonly<Record<string, string>>;
  /** `ignore_configured_endpoint_urls = true`. */
  readonly ignoreConfiguredEndpointUrls: boolean;
  readonly ssoSession?: string;
  readonly ssoStartUrl?: string;
  readonly ssoRegion?: string;
  readonly ssoAccountId?: string;
  readonly ssoRoleName?: string;
  readonly roleArn?: string;
  readonly sourceProfile?: string;
  readonly credentialSource?: string;
  readonly mfaSerial?: string;
  /** The account id when the files name it (sso_account_id, or the account of role_arn). */
  readonly accountHint?: string;
  /** `ca_bundle`: a PEM file of extra certificate authorities (TLS-inspecting proxies). */
  readonly caBundle?: string;
}

export interface SsoSession {
  readonly name: string;
  readonly startUrl?: string;
  readonly region?: string;
}

export interface ProfileSet {
  /** Sorted: `default` first, then by name. */
  readonly profiles: readonly AwsProfile[];
  readonly ssoSessions: readonly SsoSession[];
  readonly warnings: readonly (IniWarning & { readonly file: 'config' | 'credentials' })[];
}

export function emptyProfileSet(): ProfileSet {
  return { profiles: [], ssoSessions: [], warnings: [] };
}

/** The profile name a config-file section declares, or undefined for other section kinds. */
function configProfileName(section: string): string | undefined {
  if (section === 'default') return 'default';
  const match = /^profile (.+)$/.exec(section);
  return match ? match[1] : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function isTrue(value: string | undefined): boolean {
  return /^(true|1|yes|on)$/i.test(value?.trim() ?? '');
}

const ACCOUNT_IN_ARN = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/;

function kindOf(props: Record<string, string>): ProfileKind {
  // The order the SDK's fromIni tries them in.
  if (nonEmpty(props.role_arn) && (nonEmpty(props.source_profile) || nonEmpty(props.credential_source))) return 'role';
  if (nonEmpty(props.aws_access_key_id) && nonEmpty(props.aws_secret_access_key)) return 'static';
  if (nonEmpty(props.role_arn) && nonEmpty(props.web_identity_token_file)) return 'web-identity';
  if (nonEmpty(props.credential_process)) return 'process';
  if (nonEmpty(props.sso_session) || nonEmpty(props.sso_start_url) || nonEmpty(props.sso_account_id) || nonEmpty(props.sso_role_name)) return 'sso';
  if (nonEmpty(props.login_session)) return 'login';
  return 'unknown';
}

function mergeSections(sections: (IniSection | undefined)[]): { props: Record<string, string>; sub: Record<string, Record<string, string>> } {
  const props = Object.create(null) as Record<string, string>;
  const sub = Object.create(null) as Record<string, Record<string, string>>;
  for (const section of sections) {
    if (!section) continue;
    Object.assign(props, section.props);
    for (const [key, value] of Object.entries(section.sub)) sub[key] = { ...(sub[key] ?? {}), ...value };
  }
  return { props, sub };
}

function compareProfiles(a: AwsProfile, b: AwsProfile): number {
  if (a.name === 'default') return -1;
  if (b.name === 'default') return 1;
  return a.name.localeCompare(b.name);
}

/** Builds the profile list from the parsed files. */
export function profilesFromIni(config: IniFile, credentials: IniFile): ProfileSet {
  const configSections = new Map<string, IniSection[]>();
  const ssoSessions: SsoSession[] = [];
  for (const [header, section] of Object.entries(config.sections)) {
    const name = configProfileName(header);
    if (name !== undefined) {
      // `[default]` and `[profile default]` are the same profile; `[profile default]` wins.
      const list = configSections.get(name) ?? [];
      if (header === 'default') list.unshift(section);
      else list.push(section);
      configSections.set(name, list);
      continue;
    }
    const session = /^sso-session (.+)$/.exec(header);
    if (session) {
      ssoSessions.push({ name: session[1], startUrl: nonEmpty(section.props.sso_start_url), region: nonEmpty(section.props.sso_region) });
    }
  }

  const names = new Set<string>([...configSections.keys(), ...Object.keys(credentials.sections)]);
  const profiles: AwsProfile[] = [];
  for (const name of names) {
    const fromConfig = configSections.get(name) ?? [];
    const fromCredentials = credentials.sections[name];
    const { props, sub } = mergeSections([...fromConfig, fromCredentials]);
    const sources: ('config' | 'credentials')[] = [];
    if (fromConfig.length > 0) sources.push('config');
    if (fromCredentials) sources.push('credentials');

    const servicesName = nonEmpty(props.services);
    const servicesSection = servicesName ? config.sections[`services ${servicesName}`] : undefined;
    const serviceEndpoints = Object.create(null) as Record<string, string>;
    // Service sub-sections written directly in the profile (`cloudtrail =\n  endpoint_url = …`) are
    // honoured too; the referenced [services …] section wins.
    for (const source of [sub, servicesSection?.sub]) {
      if (!source) continue;
      for (const [service, values] of Object.entries(source)) {
        const url = nonEmpty(values.endpoint_url);
        if (url) serviceEndpoints[service.toLowerCase()] = url;
      }
    }

    const ssoSessionName = nonEmpty(props.sso_session);
    const session = ssoSessionName ? ssoSessions.find((item) => item.name === ssoSessionName) : undefined;
    const roleArn = nonEmpty(props.role_arn);
    const ssoAccountId = nonEmpty(props.sso_account_id);
    profiles.push({
      name,
      sources,
      kind: kindOf(props),
      region: nonEmpty(props.region),
      endpointUrl: nonEmpty(props.endpoint_url),
      serviceEndpoints,
      ignoreConfiguredEndpointUrls: isTrue(props.ignore_configured_endpoint_urls),
      ssoSession: ssoSessionName,
      ssoStartUrl: nonEmpty(props.sso_start_url) ?? session?.startUrl,
      ssoRegion: nonEmpty(props.sso_region) ?? session?.region,
      ssoAccountId,
      ssoRoleName: nonEmpty(props.sso_role_name),
      roleArn,
      sourceProfile: nonEmpty(props.source_profile),
      credentialSource: nonEmpty(props.credential_source),
      mfaSerial: nonEmpty(props.mfa_serial),
      accountHint: ssoAccountId ?? (roleArn ? ACCOUNT_IN_ARN.exec(roleArn)?.[1] : undefined),
      caBundle: nonEmpty(props.ca_bundle),
    });
  }
  profiles.sort(compareProfiles);

  return {
    profiles,
    ssoSessions,
    warnings: [
      ...config.warnings.map((warning) => ({ ...warning, file: 'config' as const })),
      ...credentials.warnings.map((warning) => ({ ...warning, file: 'credentials' as const })),
    ],
  };
}

/** Parses the text of both files (either may be empty or missing). */
export function parseProfiles(configText: string | undefined, credentialsText: string | undefined): ProfileSet {
  return profilesFromIni(parseIni(configText ?? ''), parseIni(credentialsText ?? ''));
}

/** The subset of the environment this layer reads. */
export interface AwsEnvironment {
  readonly [name: string]: string | undefined;
}

/** The profile the environment selects: AWS_PROFILE, then AWS_DEFAULT_PROFILE, then `default`. */
export function environmentProfile(env: AwsEnvironment): string {
  return nonEmpty(env.AWS_PROFILE) ?? nonEmpty(env.AWS_DEFAULT_PROFILE) ?? 'default';
}

export const FALLBACK_REGION = 'us-east-1';

/**
 * A profile's default region, as the SDK and CLI choose it: AWS_REGION, then AWS_DEFAULT_REGION,
 * then the profile's `region`, then us-east-1.
 */
export function defaultRegion(profile: AwsProfile | undefined, env: AwsEnvironment): string {
  return nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? profile?.region ?? FALLBACK_REGION;
}

/** The CA bundle file for a profile: AWS_CA_BUNDLE, then the profile's `ca_bundle`. */
export function caBundlePath(profile: AwsProfile | undefined, env: AwsEnvironment): string | undefined {
  return nonEmpty(env.AWS_CA_BUNDLE) ?? profile?.caBundle;
}

/** Static keys in the environment (AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY). */
export function hasEnvironmentKeys(env: AwsEnvironment): boolean {
  return !!nonEmpty(env.AWS_ACCESS_KEY_ID) && !!nonEmpty(env.AWS_SECRET_ACCESS_KEY);
}

/**
 * Shell-safe text for `aws … --profile NAME` in a terminal: plain names as they are, anything else
 * single-quoted (POSIX) with embedded quotes escaped.
 */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_.@%+=:,/-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
