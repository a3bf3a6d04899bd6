/**
 * Regions where CloudTrail runs (commercial partition), for pickers and "all regions" queries.
 * `optIn` regions are disabled until the account enables them; calls there fail with an
 * invalid-credentials error until then.
 */
export interface AwsRegion {
  readonly id: string;
  readonly name: string;
  readonly optIn: boolean;
}

export const AWS_REGIONS: readonly AwsRegion[] = [
  { id: 'us-east-1', name: 'US East (N. Virginia)', optIn: false },
  { id: 'us-east-2', name: 'US East (Ohio)', optIn: false },
  { id: 'us-west-1', name: 'US West (N. California)', optIn: false },
  { id: 'us-west-2', name: 'US West (Oregon)', optIn: false },
  { id: 'af-south-1', name: 'Africa (Cape Town)', optIn: true },
  { id: 'ap-east-1', name: 'Asia Pacific (Hong Kong)', optIn: true },
  { id: 'ap-east-2', name: 'Asia Pacific (Taipei)', optIn: true },
  { id: 'ap-south-1', name: 'Asia Pacific (Mumbai)', optIn: false },
  { id: 'ap-south-2', name: 'Asia Pacific (Hyderabad)', optIn: true },
  { id: 'ap-southeast-1', name: 'Asia Pacific (Singapore)', optIn: false },
  { id: 'ap-southeast-2', name: 'Asia Pacific (Sydney)', optIn: false },
  { id: 'ap-southeast-3', name: 'Asia Pacific (Jakarta)', optIn: true },
  { id: 'ap-southeast-4', name: 'Asia Pacific (Melbourne)', optIn: true },
  { id: 'ap-southeast-5', name: 'Asia Pacific (Malaysia)', optIn: true },
  { id: 'ap-southeast-7', name: 'Asia Pacific (Thailand)', optIn: true },
  { id: 'ap-northeast-1', name: 'Asia Pacific (Tokyo)', optIn: false },
  { id: 'ap-northeast-2', name: 'Asia Pacific (Seoul)', optIn: false },
  { id: 'ap-northeast-3', name: 'Asia Pacific (Osaka)', optIn: false },
  { id: 'ca-central-1', name: 'Canada (Central)', optIn: false },
  { id: 'ca-west-1', name: 'Canada West (Calgary)', optIn: true },
  { id: 'eu-central-1', name: 'Europe (Frankfurt)', optIn: false },
  { id: 'eu-central-2', name: 'Europe (Zurich)', optIn: true },
  { id: 'eu-west-1', name: 'Europe (Ireland)', optIn: false },
  { id: 'eu-west-2', name: 'Europe (London)', optIn: false },
  { id: 'eu-west-3', name: 'Europe (Paris)', optIn: false },
  { id: 'eu-south-1', name: 'Europe (Milan)', optIn: true },
  { id: 'eu-south-2', name: 'Europe (Spain)', optIn: true },
  { id: 'eu-north-1', name: 'Europe (Stockholm)', optIn: false },
  { id: 'il-central-1', name: 'Israel (Tel Aviv)', optIn: true },
  { id: 'me-south-1', name: 'Middle East (Bahrain)', optIn: true },
  { id: 'me-central-1', name: 'Middle East (UAE)', optIn: true },
  { id: 'mx-central-1', name: 'Mexico (Central)', optIn: true },
  { id: 'sa-east-1', name: 'South America (São Paulo)', optIn: false },
];

const REGION_ID = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** A well-formed region id (`us-east-1`, `us-gov-west-1`, `cn-north-1`), known or not. */
export function isRegionId(value: string): boolean {
  return REGION_ID.test(value);
}
