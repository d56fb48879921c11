import type { Logger, TokenExchangeConfig } from '@sluice/core';
import { RouterError, isRouterError } from '../errors.js';
import type { CallSubject } from './backend.js';
import type { BearerSource } from './oauth-token-source.js';
import type { TokenExchangeSource } from './token-exchange.js';

/** The fetch function the SDK's Streamable HTTP transport accepts. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** Token exchange for tool calls, and what a call without a verified user gets. */
export interface CallerExchange {
  source: TokenExchangeSource;
  anonymous: TokenExchangeConfig['anonymous'];
}

/**
 * The gateway's credentials toward one backend, and what a refusal (HTTP 401) means: with a token source, the
 * refused token is dropped and the request sent once more with a fresh one (a 401 means the server did not run
 * it); a second 401, or any 401 without a token source, is logged with the server's challenge and fails with
 * SLUICE_ROUTER_BACKEND_UNAUTHORIZED. The challenge (`WWW-Authenticate`, `resource_metadata`) never reaches the
 * agent, who holds no credentials for the backend and must not be asked for any. With token exchange, tool calls
 * carry a token exchanged for their caller ({@link forCall}); the session (initialize, tools/list, the GET stream)
 * keeps the gateway's own token.
 */
export class BackendAuth {
  private readonly logger: Logger;

  constructor(
    private readonly name: string,
    private readonly source: BearerSource | null,
    logger: Logger,
    private readonly exchange: CallerExchange | null = null,
  ) {
    this.logger = logger.child({ server: name });
  }

  /** The session's bearer token, or null when the server has no token source. */
  bearer(): Promise<string | null> {
    return this.source ? this.source.token() : Promise.resolve(null);
  }

  /**
   * The token source of a tool call made for `subject`: the caller's exchanged token with token exchange, else
   * the session's. Throws SLUICE_ROUTER_BACKEND_NO_SUBJECT for a caller without a verified user, unless the server
   * lets those call with the gateway's identity.
   */
  forCall(subject: CallSubject | undefined): BearerSource | null {
    const exchange = this.exchange;
    if (!exchange) return this.source;
    try {
      return exchange.source.forSubject(subject ?? ANONYMOUS, this.name);
    } catch (err) {
      if (isRouterError(err, 'SLUICE_ROUTER_BACKEND_NO_SUBJECT') && exchange.anonymous === 'gateway') return this.source;
      throw err;
    }
  }

  /**
   * After a 401 to a request sent with `token` from `source`: true when the request should be sent again with a
   * fresh token (first refusal of a token from a source); otherwise it logs and returns the error to fail with.
   */
  refused(token: string | null, challenge: string | null, retried: boolean, source: BearerSource | null = this.source): true | RouterError {
    if (source && token !== null && !retried) {
      source.invalidate(token);
      return true;
    }
    const onBehalf = source !== null && source !== this.source;
    this.logger.warn({ status: 401, challenge, oauth: source !== null, onBehalf }, "backend refused the gateway's credentials");
    const whose = onBehalf ? "the token exchanged for the caller" : "the gateway's credentials";
    return new RouterError('SLUICE_ROUTER_BACKEND_UNAUTHORIZED', `Backend ${this.name} refused ${whose}`);
  }

  /** A fetch for the SDK transport: sends the session's bearer token and handles a 401 as {@link refused} says. */
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

const ANONYMOUS: CallSubject = {
  tenant: '',
  principal: { user: null, agent: null, roles: [], scopes: [], environment: null, authMethod: null, tokenId: null },
};
