import { createRequire } from 'node:module';

const manifest = createRequire(import.meta.url)('../package.json') as { version: string };

/** Version of the router package, reported as the gateway's `serverInfo.version` and `clientInfo.version`. */
export const ROUTER_VERSION: string = manifest.version;
