import { randomUUID } from 'node:crypto';
import { sessionTag, type ConsumedEvent, type RunningService, type ServiceContext, type Subscription } from '@sluice/core';
import type { EventOf } from '@sluice/schemas';
import { decideMessage } from './decisions/decide-message.js';
import { loadPolicyEngine } from './policy/engine.js';
import { RegistryView } from './registry/registry-view.js';

/**
 * Starts the policy worker: follows the registry topic, and answers every client message on `requests` with
 * one `policy.decision` on `decisions`, in order. Requests wait for the first registry snapshot, so a tool
 * is never denied only because the registry was not read yet. Rejects if the policy bundle cannot be loaded.
 */
export async function startPolicyWorker(ctx: ServiceContext): Promise<RunningService> {
  const logger = ctx.logger.child({ role: 'policy-worker' });
  const engine = await loadPolicyEngine(ctx.config.policy);
  logger.info({ revision: engine.revision, source: engine.source }, 'policy loaded');
  const registry = new RegistryView(ctx.config.servers);
  const subscriptions: Subscription[] = [];
  let subscribed = false;
  let stopped = false;

  const stopAll = async (): Promise<void> => {
    stopped = true;
    registry.close();
    await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
  };

  try {
    subscriptions.push(
      await ctx.events.subscribe(
        { group: `policy-registry-${randomUUID()}`, topics: ['registry'], fromBeginning: true },
        async (batch) => {
          const latest = batch.findLast((c) => c.event.type === 'registry.snapshot')?.event as EventOf<'registry.snapshot'> | undefined;
          if (!latest) return;
          registry.update(latest.body);
          logger.debug({ servers: latest.body.servers.length }, 'registry snapshot');
        },
      ),
    );
    subscriptions.push(
      await ctx.events.subscribe({ group: 'policy-worker', topics: ['requests'] }, async (batch) => {
        await registry.whenLoaded();
        await ctx.events.publish('decisions', decideBatch(batch));
      }),
    );
    subscribed = true;
  } catch (err) {
    await stopAll();
    throw err;
  }

  function decideBatch(batch: ConsumedEvent[]): EventOf<'policy.decision'>[] {
    const decisions: EventOf<'policy.decision'>[] = [];
    for (const { event, record } of batch) {
      if (event.type !== 'client.message') {
        logger.warn({ type: event.type, partition: record.partition, offset: record.offset }, 'skipping an event that is not a client message');
        continue;
      }
      const decision = decideMessage(event, registry, engine);
      if (!decision.body.allow) logger.info(logFields(decision), 'denied');
      else if (logger.isLevelEnabled('debug')) logger.debug(logFields(decision), 'allowed');
      decisions.push(decision);
    }
    return decisions;
  }

  return {
    name: 'policy-worker',
    ready: () => subscribed && !stopped && registry.loaded,
    stop: stopAll,
  };
}

function logFields({ requestId, sessionId, body }: EventOf<'policy.decision'>): Record<string, unknown> {
  return { requestId, session: sessionTag(sessionId), method: body.method, server: body.server, tool: body.tool, reason: body.reason, revision: body.revision };
}
