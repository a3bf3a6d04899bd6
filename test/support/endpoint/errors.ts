/**
 * Service errors as the CloudTrail front end answers them: awsJson1_1 bodies `{"__type": code, "message": text}`,
 * HTTP 400 for everything the caller caused (throttling and authentication included), 5xx for the service's own.
 */

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export function trailArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}

export const errors = {
  trailNotFound: (arn: string, accountId: string): ApiError => new ApiError('TrailNotFoundException', `Unknown trail: ${arn} for the user: ${accountId}`),
  invalidTrailName: (message: string): ApiError => new ApiError('InvalidTrailNameException', message),
  invalidArn: (arn: string): ApiError => new ApiError('CloudTrailARNInvalidException', `Invalid trail ARN: ${arn}`),
  invalidHomeRegion: (arn: string, homeRegion: string, region: string): ApiError =>
    new ApiError('InvalidHomeRegionException', `The trail ${arn} was created in ${homeRegion}; this operation must be called from the trail's home region, not ${region}.`),
  serialization: (message: string): ApiError => new ApiError('SerializationException', message),
  accessDenied: (principalArn: string, operation: string, resource: string): ApiError =>
    new ApiError(
      'AccessDeniedException',
      `User: ${principalArn} is not authorized to perform: cloudtrail:${operation} on resource: ${resource} because no identity-based policy allows the cloudtrail:${operation} action`,
    ),
  expiredToken: (): ApiError => new ApiError('ExpiredTokenException', 'The security token included in the request is expired'),
  throttling: (): ApiError => new ApiError('ThrottlingException', 'Rate exceeded'),
  internalFailure: (): ApiError => new ApiError('InternalFailure', 'An internal error occurred. Try again.', 500),
  serviceUnavailable: (): ApiError => new ApiError('ServiceUnavailable', 'The service is unavailable. Try again later.', 503),
};

/** Trail naming rules of CreateTrail (3–128 characters, letters, digits, `.`, `_`, `-`, …); undefined when valid. */
export function trailNameProblem(name: string): string | undefined {
  if (name.length < 3) return `Trail name too short. Minimum allowed length: 3 characters. Specified name length: ${name.length} characters.`;
  if (name.length > 128) return `Trail name too long. Maximum allowed length: 128 characters. Specified name length: ${name.length} characters.`;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return 'Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).';
  if (!/^[A-Za-z0-9]/.test(name)) return 'Trail name must starts with a letter or number.';
  if (!/[A-Za-z0-9]$/.test(name)) return 'Trail name must ends with a letter or number.';
  if (/[._-]{2}/.test(name)) return 'Trail name cannot contain adjacent periods (.), hyphens (-), or underscores (_).';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'Trail name cannot be formatted as an IP address.';
  return undefined;
}

/** A request value for an error message. */
export function shown(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}
