// The wire and API types of hopwatch and their runtime schemas: the only definition of them.
export * from './api.js';
export * from './causes.js';
export * from './events.js';
export * from './evidence.js';
export * from './live.js';
export * from './outage.js';
export * from './session.js';
export * from './verdict.js';
