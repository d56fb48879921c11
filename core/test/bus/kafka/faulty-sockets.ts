import { connect } from 'node:net';
import type { KafkaSocketFactory } from '../../../src/bus/kafka/index.js';

const PRODUCE_API_KEY = 0;

/** A socket factory that can lose the broker's answer to one Produce request, and what it saw. */
export interface FaultySockets {
  factory: KafkaSocketFactory;
  /** The next Produce request reaches the broker, but its connection dies before the response is read. */
  dropNextProduceResponse(): void;
  /** Produce requests written so far (retries included). */
  readonly produceRequests: number;
  /** Produce responses thrown away. */
  readonly droppedResponses: number;
}

/**
 * Plain TCP sockets with a fault hook. Requests are written whole (size, api key, version, correlation id...),
 * and responses start with size and correlation id, so the hook recognises the answer to the Produce request it
 * marked and destroys the connection instead of delivering it: the records are stored, the acknowledgement is
 * lost, and the idempotent producer must retry.
 */
export function faultySockets(): FaultySockets {
  let armed = false;
  let produceRequests = 0;
  let droppedResponses = 0;
  const factory: KafkaSocketFactory = ({ host, port, onConnect }) => {
    const socket = connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    let doomedCorrelationId: number | null = null;
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (Buffer.isBuffer(chunk) && chunk.length >= 12 && chunk.readInt16BE(4) === PRODUCE_API_KEY) {
        produceRequests++;
        if (armed) {
          armed = false;
          doomedCorrelationId = chunk.readInt32BE(8);
        }
      }
      return write(chunk, ...rest);
    }) as typeof socket.write;
    const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      const data = args[0];
      if (event === 'data' && doomedCorrelationId !== null && Buffer.isBuffer(data) && data.length >= 8) {
        if (data.readInt32BE(4) === doomedCorrelationId) {
          doomedCorrelationId = null;
          droppedResponses++;
          // As a reset connection looks to the client: an 'error', which fails the request in flight at once.
          socket.destroy(Object.assign(new Error('read ECONNRESET (injected fault)'), { code: 'ECONNRESET' }));
          return true;
        }
      }
      return emit(event, ...args);
    }) as typeof socket.emit;
    return socket;
  };
  return {
    factory,
    dropNextProduceResponse: () => {
      armed = true;
    },
    get produceRequests() {
      return produceRequests;
    },
    get droppedResponses() {
      return droppedResponses;
    },
  };
}
