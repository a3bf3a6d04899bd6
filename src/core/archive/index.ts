/** Offline event search (log archives, Athena): query plan without the 90-day window, S3 key parsing, streaming record splitter. Pure. */
export * from './plan';
export * from './keys';
export * from './splitter';
