/**
 * Lookups from the editor and the palette, pure: recognising AWS identifiers in text, what a
 * lookup asks of LookupEvents and what it keeps, validation of typed values, recent lookups,
 * the hover cache, the UI's text, and matching live trails to their definitions in code.
 */
export * from './recognise';
export * from './resource-types';
export * from './validate';
export * from './plan';
export * from './format';
export * from './history';
export * from './cache';
export * from './trails';
