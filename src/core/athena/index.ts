/** Athena over a trail's S3 logs: table DDL with partition projection, EventQuery -> SQL, results -> rows, cost. Pure. */
export * from './columns';
export * from './ddl';
export * from './sql';
export * from './results';
export * from './cost';
export * from './lake';
