import { connect, type Socket } from 'node:net';

/** What a raw client saw: every byte received, and whether the server closed the connection. */
export interface RawResult {
  text: string;
  closed: boolean;
}

/**
 * Writes `parts` to a fresh connection to 127.0.0.1:`port` (waiting `gapMs` between them) and collects what comes
 * back until the server closes the connection or `waitMs` passed.
 */
export async function rawExchange(port: number, parts: Array<string | Buffer>, waitMs = 1000, gapMs = 50): Promise<RawResult> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  for (const [i, part] of parts.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    if (!socket.destroyed) socket.write(part);
  }
  await Promise.race([ended.then(() => (closed = true)), new Promise((resolve) => setTimeout(resolve, waitMs))]);
  socket.destroy();
  return { text, closed };
}

/** Opens a connection that sends `head` and then never reads what comes back. */
export async function nonReadingClient(port: number, head: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.pause();
  socket.write(head);
  return socket;
}

/** The status code of the first response in `text`, or null when none arrived. */
export function statusOf(text: string): number | null {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return match ? Number(match[1]) : null;
}
