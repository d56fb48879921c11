import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EVERYTHING, ROOT, eventually, sql, type GatewayProcess } from './harness.js';
import type { OidcClient, OidcProvider } from './oidc.js';

/** The scope every token must hold to call /mcp. */
export const SCOPE = 'mcp:tools';
/** Two tenants' agents; each tenant has one server open to it alone (see {@link identityConfig}). */
export const ACME: OidcClient = { id: 'acme-agent', secret: 'acme-secret-0123456789', claims: { tenant: 'acme', roles: ['analyst'] } };
export const GLOBEX: OidcClient = { id: 'globex-agent', secret: 'globex-secret-0123456789', claims: { tenant: 'globex', roles: ['ops', 'oncall'] } };

/** The `ingress.auth` and `servers` sections: tokens of `provider`, server `acme` open to tenant acme, `globex` to globex. */
export function identityConfig(provider: OidcProvider): string {
  const server = (tenant: string): string => `{ transport: stdio, command: ${process.execPath}, args: [${EVERYTHING}, stdio], tenants: [${tenant}] }`;
  return `ingress:
  auth:
    oauth:
      issuer: ${provider.issuer}
      jwksUri: ${provider.jwksUri}
      requiredScopes: [${SCOPE}]
      claims: { tenant: tenant }
servers:
  acme: ${server('acme')}
  globex: ${server('globex')}
`;
}

/** One row of sluice.calls with the principal columns. */
export interface PrincipalRow {
  tool: string;
  server: string | null;
  outcome: string;
  tenant: string;
  principal_user: string | null;
  agent: string | null;
  roles: string[];
  scopes: string[];
  auth_method: string | null;
  token_id: string | null;
}

/** The tools/call rows of `tool` by `agent`, once there are `count` of them. */
export function principalRows(audit: GatewayProcess, agent: string, tool: string, count = 1): Promise<PrincipalRow[]> {
  return eventually(
    async () => {
      const rows = await sql<PrincipalRow>(
        audit,
        `SELECT tool, server, outcome, tenant, principal_user, agent, roles, scopes, auth_method, token_id
         FROM sluice.calls WHERE agent = '${agent}' AND method = 'tools/call' AND tool = '${tool}' ORDER BY started_at`,
      );
      return rows.length >= count ? rows : undefined;
    },
    30_000,
    `${count} tools/call rows of ${tool} by ${agent}`,
  );
}

/** What integration-tests/python/call_tool.py printed. */
export interface PythonCall {
  protocolVersion: string;
  tools: string[];
  isError: boolean;
  text: string;
}

const run = promisify(execFile);

/**
 * Runs the Python `mcp` client against `url` with `token` as its bearer: it lists tools and calls `tool`. The venv
 * comes from deploy/local/python-venv.sh (installed by `npm test`).
 */
export async function pythonCallTool(url: string, token: string, tool: string, args: Record<string, unknown>): Promise<PythonCall> {
  const venv = join(ROOT, 'deploy/local/python-venv.sh');
  const python = (await run('bash', [venv, 'path'])).stdout.trim();
  const script = join(ROOT, 'integration-tests/python/call_tool.py');
  const { stdout } = await run(python, [script, url, tool, JSON.stringify(args)], { env: { ...process.env, SLUICE_TOKEN: token }, timeout: 60_000 });
  return JSON.parse(stdout) as PythonCall;
}
