/** The roles a Sluice process can run. */
export const ROLES = ['ingress', 'policy-worker', 'router', 'audit-sink'] as const;

/** One role. */
export type Role = (typeof ROLES)[number];

/** Order in which roles start: consumers of a topic before its producers' clients arrive. Stop is the reverse. */
export const START_ORDER: readonly Role[] = ['audit-sink', 'router', 'policy-worker', 'ingress'];

/** Parses the `--role` values; none means all roles in one process. */
export function parseRoles(values: readonly string[]): Role[] {
  if (values.length === 0) return [...START_ORDER];
  const roles = new Set<Role>();
  for (const value of values.flatMap((v) => v.split(','))) {
    if (!(ROLES as readonly string[]).includes(value)) {
      throw new Error(`unknown role "${value}": expected one of ${ROLES.join(', ')}`);
    }
    roles.add(value as Role);
  }
  return START_ORDER.filter((r) => roles.has(r));
}
