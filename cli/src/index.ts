export { startSluice, type SluiceProcess } from './start.js';
export { parseRoles, ROLES, START_ORDER, type Role } from './roles.js';
export { startAdminServer, type AdminDeps, type SqlEndpoint } from './admin/server.js';
export { ADMIN_ERRORS, AdminError, type AdminErrorCode } from './errors.js';
