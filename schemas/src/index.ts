export * from './events.js';
export * from './catalog.js';
export * from './errors.js';
export * from './codec.js';
