/** The roles a JWT access token may hold on the admin port; any other role opens nothing. */
export const ADMIN_ROLE = 'admin';
/** Reads the audit store, only its own tenant's rows, only through `POST /admin/sql`. */
export const AUDITOR_ROLE = 'auditor';

/** What a request that passed the guard may do. */
export type AdminGrant =
  /** Everything: the admin token, an `admin` token, or `admin.auth: none`. */
  | { role: 'admin'; user: string | null }
  /** `POST /admin/sql` over `tenant`'s rows only. */
  | { role: 'auditor'; tenant: string; user: string | null; tokenId: string | null }
  /** No credentials: a probe, or /metrics with `admin.metrics: open`. */
  | { role: 'public' };

/** Whether `grant` may call `method path`; the guard lets `public` through only to paths that need nothing. */
export function grantAllows(grant: AdminGrant, method: string | undefined, path: string): boolean {
  return grant.role !== 'auditor' || (method === 'POST' && path === '/admin/sql');
}
