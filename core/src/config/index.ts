export * from './types.js';
export { loadConfigFile, parseConfig, type Environment } from './load.js';
export { ASYMMETRIC_JWT_ALGORITHMS, CONFIG_SCHEMA } from './schema.js';
export { STDIO_BASE_ENV } from './servers.js';
export { ADMIN_TOKEN_FILE_NAME, adminTokenProblem } from './admin.js';
