import type { Target } from '../targets/target.js';
import { ContextForgeTarget } from './contextforge.js';
import { mcpProxyTarget, supergatewayTarget } from './stdio-proxies.js';

/** Peer gateways measured with the same harness and backend as Sluice (each says whether it can run here). */
export const PEER_TARGETS: Target[] = [new ContextForgeTarget(), supergatewayTarget, mcpProxyTarget];
