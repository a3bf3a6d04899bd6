/**
 * Which endpoint a service call goes to. Pure: settings, environment and profile are passed in.
 *
 * Precedence (first that is set and valid wins):
 *   1. `setting`            cloudtrailLens.endpointUrl (machine-scoped, trusted workspaces only;
 *                           the adapter passes it in) or the CLI's --endpoint-url
 *   2. `env-service`        AWS_ENDPOINT_URL_<SERVICE>  (AWS_ENDPOINT_URL_CLOUDTRAIL, AWS_ENDPOINT_URL_STS)
 *   3. `profile-service`    the profile's services section (`services = x` + `[services x]`
 *                           `cloudtrail =\n  endpoint_url = …`)
 *   4. `profile`            the profile's `endpoint_url`
 *   5. `env-global`         AWS_ENDPOINT_URL
 *
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's ignore_configured_endpoint_urls)
 * turns off 2–5, as in the SDKs; the setting still applies because it is explicit.
 *
 * Note: the AWS SDKs' own documented order puts AWS_ENDPOINT_URL (5) above the profile (3, 4);
 * this product deliberately lets a profile's endpoint beat the global variable, so that one
 * profile can point at a local endpoint while the others keep theirs.
 */
import type { AwsEnvironment, AwsProfile } from './profiles';

export type EndpointSource = 'setting' | 'env-service' | 'profile-service' | 'profile' | 'env-global';

export const ENDPOINT_PRECEDENCE: readonly EndpointSource[] = ['setting', 'env-service', 'profile-service', 'profile', 'env-global'];

export interface ResolvedEndpoint {
  readonly url: string;
  readonly source: EndpointSource;
}

export interface IgnoredEndpoint {
  readonly source: EndpointSource;
  readonly value: string;
  readonly reason: string;
}

export interface EndpointInputs {
  /** The explicit override (setting or command-line flag). */
  readonly setting?: string;
  readonly env: AwsEnvironment;
  readonly profile?: AwsProfile;
}

/** `cloudtrail` -> `AWS_ENDPOINT_URL_CLOUDTRAIL`; service ids with spaces or dashes use underscores. */
export function serviceEnvironmentVariable(service: string): string {
  return `AWS_ENDPOINT_URL_${service.trim().toUpperCase().replace(/[\s-]+/g, '_')}`;
}

/** An http(s) URL without credentials in it, normalised without a trailing slash; else a reason. */
export function checkEndpointUrl(value: string): { url: string } | { reason: string } {
  let parsed: URL;
  try {
    parsed = new URL(value.trim());
  } catch {
    return { reason: 'not a URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { reason: 'only http and https endpoints are supported' };
  if (parsed.username || parsed.password) return { reason: 'an endpoint URL must not contain a user name or password' };
  if (parsed.search || parsed.hash) return { reason: 'an endpoint URL has no query or fragment' };
  const text = parsed.toString();
  return { url: text.endsWith('/') && parsed.pathname === '/' ? text.slice(0, -1) : text };
}

function isTrue(value: string | undefined): boolean {
  return /^(true|1|yes|on)$/i.test(value?.trim() ?? '');
}

/** Every candidate in precedence order (for explaining the choice in the log / a tooltip). */
export function endpointCandidates(service: string, inputs: EndpointInputs): { source: EndpointSource; value: string }[] {
  const id = service.toLowerCase();
  const ignoreConfigured = isTrue(inputs.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) || inputs.profile?.ignoreConfiguredEndpointUrls === true;
  const out: { source: EndpointSource; value: string }[] = [];
  const push = (source: EndpointSource, value: string | undefined): void => {
    if (value !== undefined && value.trim() !== '') out.push({ source, value: value.trim() });
  };
  push('setting', inputs.setting);
  if (!ignoreConfigured) {
    push('env-service', inputs.env[serviceEnvironmentVariable(service)]);
    push('profile-service', inputs.profile?.serviceEndpoints[id]);
    push('profile', inputs.profile?.endpointUrl);
    push('env-global', inputs.env.AWS_ENDPOINT_URL);
  }
  return out;
}

/**
 * The endpoint for `service` (the SDK service id in lower case: `cloudtrail`, `sts`, `s3`), or
 * undefined for the SDK's default AWS endpoint. Invalid values are skipped and listed in `ignored`.
 */
export function resolveEndpoint(service: string, inputs: EndpointInputs): { endpoint?: ResolvedEndpoint; ignored: IgnoredEndpoint[] } {
  const ignored: IgnoredEndpoint[] = [];
  for (const candidate of endpointCandidates(service, inputs)) {
    const checked = checkEndpointUrl(candidate.value);
    if ('url' in checked) return { endpoint: { url: checked.url, source: candidate.source }, ignored };
    // Never repeat a password written into a URL.
    ignored.push({ source: candidate.source, value: candidate.value.replace(/\/\/[^/@\s]*@/, '//…@'), reason: checked.reason });
  }
  return { ignored };
}
