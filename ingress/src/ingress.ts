import { createHostCheck, createRedactor, partitionForKey, TimeoutQueue, type RunningService, type ServiceContext } from '@sluice/core';
import { createAuthenticator } from './auth/authenticator.js';
import { IngressError } from './errors.js';
import { PendingRequests } from './replies/pending-requests.js';
import { createReplyHandler } from './replies/reply-router.js';
import { CreationRate } from './sessions/creation-rate.js';
import { SessionStore } from './sessions/session-store.js';
import { MCP_PATH } from './streamable-http/protocol.js';
import { createRouteHandler } from './streamable-http/route.js';
import { recordSessionClosed } from './streamable-http/session-events.js';
import type { IngressRuntime } from './streamable-http/runtime.js';
import { loadUws } from './uws/load-uws.js';
import type { UwsApp, UwsListenSocket } from './uws/types.js';

/** A started ingress node. */
export interface RunningIngress extends RunningService {
  /** The port actually bound (config may ask for 0). */
  readonly port: number;
  readonly nodeId: string;
  /** The partition of `replies` this node reads. */
  readonly replySlot: number;
}

/** Tuning that is not configuration (defaults suit production; tests shorten them). */
export interface IngressOptions {
  /** How long stop() lets unanswered requests finish before failing them. Default: min(5 s, requestTimeoutMs). */
  drainMs?: number;
  /** Interval of SSE keep-alive comments. Default 15 s. */
  keepAliveMs?: number;
  /** Bytes an SSE stream may queue for a slow client before it is dropped. Default 1 MiB. */
  maxStreamQueueBytes?: number;
}

/**
 * Starts the ingress: reads its own partition of `replies` (group `ingress-<nodeId>`, from the end), then
 * serves Streamable HTTP at /mcp on `config.listen` with uWebSockets.js.
 *
 * stop() closes the listen socket, refuses new messages (503), lets unanswered requests finish for the drain
 * period, answers the rest with -32603 "gateway shutting down", ends SSE streams, unsubscribes and closes every
 * remaining connection.
 */
export async function startIngress(ctx: ServiceContext, options: IngressOptions = {}): Promise<RunningIngress> {
  const { config, events, metrics } = ctx;
  const logger = ctx.logger.child({ role: 'ingress' });
  const { name: binding, uws } = loadUws();
  const nodeId = config.ingress.nodeId;
  const replySlot = partitionForKey(nodeId, await events.bus.partitionCount(events.topic('replies')));
  const hosts = createHostCheck({ bindHost: config.listen.host, port: null, allowedHosts: config.ingress.allowedHosts });
  if (hosts.anyHost) {
    logger.warn({ host: config.listen.host }, 'listen.host is not loopback and ingress.allowedHosts is empty: any Host header is accepted on /mcp');
  }
  const auth = createAuthenticator(config.ingress.auth, config.ingress);
  if (!auth.enabled) logger.warn({ host: config.listen.host }, 'ingress.auth configures neither oauth nor apiKeys: /mcp serves every caller as anonymous (loopback only)');
  const redactor = await createRedactor(config);
  if (!redactor) logger.warn('redaction.enabled is false: secrets in tool arguments and results are stored as sent');
  const rt: IngressRuntime = {
    config: config.ingress,
    hosts,
    auth,
    redactor,
    events,
    logger,
    metrics,
    nodeId,
    replySlot,
    sessions: new SessionStore(config.ingress.sessions, (session, reason) => {
      recordSessionClosed(rt, session, reason, null).catch((err: unknown) => logger.warn({ err, sessionId: session.id }, 'could not record session.closed'));
    }),
    creationRate: new CreationRate(config.ingress.sessions.createPerMinute),
    pending: new PendingRequests(),
    requestTimeouts: new TimeoutQueue(config.ingress.requestTimeoutMs),
    writeTimeouts: new TimeoutQueue(config.ingress.writeTimeoutMs),
    streamOptions: { keepAliveMs: options.keepAliveMs ?? 15_000, maxQueuedBytes: options.maxStreamQueueBytes ?? 1024 * 1024 },
    stopping: false,
  };
  const subscription = await events.subscribe(
    { group: `ingress-${nodeId}`, topics: ['replies'], partitions: [replySlot], fromBeginning: false },
    createReplyHandler(rt),
  );
  const app = uws.App();
  app.any('/*', createRouteHandler(rt));
  let listenSocket: UwsListenSocket;
  try {
    listenSocket = await listen(app, config.listen.host, config.listen.port);
  } catch (err) {
    app.close();
    await subscription.stop();
    throw err;
  }
  const port = uws.us_socket_local_port(listenSocket);
  auth.bind(`http://${config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host}:${port}${MCP_PATH}`);
  rt.sessions.start();
  logger.info({ binding, host: config.listen.host, port, nodeId, replySlot, resource: auth.metadata?.document.resource ?? null }, 'ingress listening');

  const drainMs = options.drainMs ?? Math.min(5_000, config.ingress.requestTimeoutMs);
  let stopped: Promise<void> | null = null;
  const stop = async (): Promise<void> => {
    rt.stopping = true;
    rt.sessions.stop();
    uws.us_listen_socket_close(listenSocket);
    const drained = await rt.pending.whenIdle(drainMs);
    if (!drained) logger.warn({ unanswered: rt.pending.size }, 'drain over: failing unanswered requests');
    for (const flight of rt.pending.all()) flight.abandon();
    for (const session of rt.sessions.all()) session.stream?.end();
    await subscription.stop();
    app.close();
    logger.info({ nodeId }, 'ingress stopped');
  };
  return {
    name: 'ingress',
    port,
    nodeId,
    replySlot,
    ready: () => !rt.stopping,
    stop: () => (stopped ??= stop()),
  };
}

function listen(app: UwsApp, host: string, port: number): Promise<UwsListenSocket> {
  return new Promise((resolve, reject) => {
    app.listen(host, port, (socket) => {
      if (socket) resolve(socket);
      else reject(new IngressError('SLUICE_INGRESS_LISTEN_FAILED', `cannot listen on ${host}:${port} (in use or not permitted)`));
    });
  });
}
