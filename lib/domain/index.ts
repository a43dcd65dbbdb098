/** The pure domain: spec contract, status, observations, decide(), weights and metric evaluation. */
export * from './actions.js';
export * from './check.js';
export * from './evaluate.js';
export * from './events.js';
export * from './observations.js';
export * from './phase.js';
export * from './reasons.js';
export * from './status.js';
export * from './weights.js';
export * from './decide/index.js';
export type * from './spec/schema.js';
