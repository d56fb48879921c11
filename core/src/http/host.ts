/** The names a loopback listener answers as, in the form they take in a Host header. */
export const LOOPBACK_HOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

/** A Host header (or an allowed-host entry) split into a lower-case name and an optional port. */
export interface HostName {
  /** Lower case; an IPv6 address keeps its brackets. */
  name: string;
  port: number | null;
}

/** Parses `name`, `name:port`, `[v6]` or `[v6]:port`; null when it is none of these. */
export function parseHost(value: string): HostName | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)(?::([0-9]{1,5}))?$/.exec(value.trim().toLowerCase());
  if (!match) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { name: match[1]!, port };
}

/** Whether a bind address or host name is loopback: `localhost`, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** What a listener accepts in the Host header of a request (DNS-rebinding protection). */
export interface HostCheckOptions {
  /** The address the listener is bound to. */
  bindHost: string;
  /** The port the Host header must carry; null accepts any port or none. */
  port: number | null;
  /** Extra names, `name` (any port) or `name:port`; entries that do not parse are ignored (config validates them). */
  allowedHosts: readonly string[];
}

/** A Host header check built once per listener. */
export interface HostCheck {
  /** True when every Host is accepted: a non-loopback bind address and no allowed hosts configured. */
  readonly anyHost: boolean;
  allows(header: string | null | undefined): boolean;
}

/**
 * Accepts the loopback names and the bind address itself (with `port` when given), plus `allowedHosts`. A listener
 * bound to a non-loopback address with no allowed hosts accepts any Host: its operator must list the names it is
 * reached by to turn the check on.
 */
export function createHostCheck(options: HostCheckOptions): HostCheck {
  const allowed = options.allowedHosts.map(parseHost).filter((h): h is HostName => h !== null);
  const bind = parseHost(options.bindHost.includes(':') && !options.bindHost.startsWith('[') ? `[${options.bindHost}]` : options.bindHost);
  const own = [...LOOPBACK_HOST_NAMES];
  if (bind && !WILDCARDS.has(bind.name) && !own.includes(bind.name)) own.push(bind.name);
  const anyHost = !isLoopbackHost(options.bindHost) && allowed.length === 0;
  const portMatches = (port: number | null, wanted: number | null): boolean => wanted === null || port === wanted;
  return {
    anyHost,
    allows(header) {
      if (anyHost) return true;
      const host = header ? parseHost(header) : null;
      if (!host) return false;
      if (own.includes(host.name) && portMatches(host.port, options.port)) return true;
      return allowed.some((entry) => entry.name === host.name && portMatches(host.port, entry.port));
    },
  };
}
