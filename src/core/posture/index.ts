/** Public surface of the posture model and rules (see model.ts for the conventions). */
export * from './model';
export * from './api';
export * from './selectors';
export * from './rules';
export * from './account';
export * from './remediation';
export * from './definition';
export * from './explain';
export * from './report';
