export * from './types.js';
export { loadConfigFile, parseConfig } from './load.js';
export { CONFIG_SCHEMA } from './schema.js';
