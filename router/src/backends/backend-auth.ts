import type { Logger } from '@sluice/core';
import { RouterError } from '../errors.js';
import type { BearerSource } from './oauth-token-source.js';

/** The fetch function the SDK's Streamable HTTP transport accepts. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * The gateway's own credentials toward one backend, and what a refusal (HTTP 401) means: with an OAuth token
 * source, the refused token is dropped and the request sent once more with a fresh one (a 401 means the server did
 * not run it); a second 401, or any 401 without oauth, is logged with the server's challenge and fails with
 * SLUICE_ROUTER_BACKEND_UNAUTHORIZED. The challenge (`WWW-Authenticate`, `resource_metadata`) never reaches the
 * agent, who holds no credentials for the backend and must not be asked for any.
 */
export class BackendAuth {
  private readonly logger: Logger;

  constructor(
    private readonly name: string,
    private readonly source: BearerSource | null,
    logger: Logger,
  ) {
    this.logger = logger.child({ server: name });
  }

  /** The bearer token to send, or null when the server has no oauth. */
  bearer(): Promise<string | null> {
    return this.source ? this.source.token() : Promise.resolve(null);
  }

  /**
   * After a 401 to a request sent with `token`: true when the request should be sent again with a fresh token
   * (first refusal of an OAuth token); otherwise it logs and returns the error to fail with.
   */
  refused(token: string | null, challenge: string | null, retried: boolean): true | RouterError {
    if (this.source && token !== null && !retried) {
      this.source.invalidate(token);
      return true;
    }
    this.logger.warn({ status: 401, challenge, oauth: this.source !== null }, "backend refused the gateway's credentials");
    return new RouterError('SLUICE_ROUTER_BACKEND_UNAUTHORIZED', `Backend ${this.name} refused the gateway's credentials`);
  }

  /** A fetch for the SDK transport: sends the bearer token and handles a 401 as {@link refused} says. */
  readonly fetch: FetchLike = async (url, init) => {
    let retried = false;
    for (;;) {
      const token = await this.bearer();
      const headers = new Headers(init?.headers);
      if (token !== null) headers.set('authorization', `Bearer ${token}`);
      const response = await fetch(url, { ...init, headers });
      if (response.status !== 401) return response;
      await response.body?.cancel().catch(() => undefined);
      const outcome = this.refused(token, response.headers.get('www-authenticate'), retried);
      if (outcome !== true) throw outcome;
      retried = true;
    }
  };
}
