import type { IHeaders, KafkaMessage, Message, TopicMessages } from 'kafkajs';
import type { BusRecord, EncodedRecord } from '../types.js';

/** The Kafka client's message for a record; an explicit partition overrides the key's. */
export function toMessage(record: EncodedRecord): Message {
  const message: Message = { key: record.key, value: record.value };
  if (record.headers) message.headers = { ...record.headers };
  if (record.partition !== undefined) message.partition = record.partition;
  return message;
}

/** Groups records by topic, keeping their order within each topic. */
export function toTopicMessages(records: readonly EncodedRecord[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    let messages = byTopic.get(record.topic);
    if (!messages) {
      messages = [];
      byTopic.set(record.topic, messages);
    }
    messages.push(toMessage(record));
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function headerText(value: IHeaders[string]): string | undefined {
  // A header repeated on the wire arrives as an array; the last one wins, as in a map.
  const last = Array.isArray(value) ? value.at(-1) : value;
  if (last === undefined) return undefined;
  return typeof last === 'string' ? last : last.toString('utf8');
}

/** A fetched message as a bus record; a tombstone's missing value becomes an empty buffer. */
export function toBusRecord(topic: string, partition: number, message: KafkaMessage): BusRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) headers[name] = text;
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null || message.key === undefined ? null : message.key.toString('utf8'),
    value: message.value ?? Buffer.alloc(0),
    headers,
    timestamp: Number(message.timestamp),
  };
}
