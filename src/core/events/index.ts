/** The pure event-search engine: query model and planner, local filters, risk flags, export, formatting. */
export * from './query';
export * from './planner';
export * from './filter';
export * from './risk';
export * from './export';
export * from './format';
export { parseIp, parseCidr, cidrContains, isWorldCidr, type IpAddress, type CidrBlock } from './ip';
export { compileSigma, fieldValues, type SigmaCondition, type SigmaFieldTest, type SigmaRuleData } from './sigma';
export { CATALOG_ATTRIBUTION } from './catalog-data';
export * from './record';
