import type { Assignment, PartitionAssigner } from 'kafkajs';
import { AssignerProtocol } from './client.js';

/** The group protocol name; every member of a group must use the same one. */
export const STATIC_ASSIGNER_NAME = 'SluiceStaticAssigner';
const VERSION = 0;

function decodePartitions(userData: Buffer | undefined): number[] {
  if (!userData || userData.length === 0) return [];
  const parsed: unknown = JSON.parse(userData.toString('utf8'));
  return Array.isArray(parsed) ? parsed.filter((p): p is number => Number.isInteger(p)) : [];
}

/**
 * A partition assigner that gives each member exactly the partitions it asked for, of every topic it subscribes
 * to. Each member carries its list in its join metadata, so whichever member leads the group assigns the others
 * what they asked for, not what the leader asked for.
 */
export function staticPartitionAssigner(partitions: readonly number[]): PartitionAssigner {
  const wanted = [...new Set(partitions)].sort((a, b) => a - b);
  return ({ logger }) => ({
    name: STATIC_ASSIGNER_NAME,
    version: VERSION,
    protocol: ({ topics }) => ({
      name: STATIC_ASSIGNER_NAME,
      metadata: AssignerProtocol.MemberMetadata.encode({
        version: VERSION,
        topics,
        userData: Buffer.from(JSON.stringify(wanted)),
      }),
    }),
    assign: async ({ members }) => {
      const owners = new Map<string, string>();
      return members.map(({ memberId, memberMetadata }) => {
        const metadata = AssignerProtocol.MemberMetadata.decode(memberMetadata);
        const assignment: Assignment = {};
        for (const topic of metadata?.topics ?? []) {
          const mine = decodePartitions(metadata?.userData);
          assignment[topic] = mine;
          for (const partition of mine) {
            const slot = `${topic}:${partition}`;
            const other = owners.get(slot);
            if (other) logger.warn('two members of the group asked for the same partition', { slot, memberId, other });
            owners.set(slot, memberId);
          }
        }
        return {
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: VERSION,
            assignment,
            userData: Buffer.alloc(0),
          }),
        };
      });
    },
  });
}
