const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether a request may proceed given its Origin header: no Origin (not a browser) is fine, loopback origins
 * (http or https, any port) are fine, anything else must be listed in `allowed`.
 */
export function isOriginAllowed(origin: string | null, allowed: readonly string[]): boolean {
  if (origin === null) return true;
  const parsed = parseOrigin(origin);
  if (parsed === null) return false;
  if (LOOPBACK_HOSTS.has(parsed.hostname)) return true;
  return allowed.some((entry) => parseOrigin(entry)?.origin === parsed.origin);
}

function parseOrigin(value: string): URL | null {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}
