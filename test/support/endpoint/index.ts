/** The local CloudTrail-compatible endpoint (test support and demo; never shipped). See README.md. */
export { startEndpoint, TARGET_PREFIX, type Endpoint, type EndpointOptions, type EndpointState } from './server';
export { FaultController, RequestLog, type FaultPatch, type FaultSnapshot, type RequestCounters, type RequestLogEntry } from './faults';
export * from './accounts';
export type { WireEvent } from './events';
export { BucketStore, LOG_ARCHIVE_ACCOUNT_ID, type BucketState, type PublicAccessBlock } from './buckets';
export { enabledRegionsOf, regionsOf } from './services';
