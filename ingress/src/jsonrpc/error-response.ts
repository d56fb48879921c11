/** A JSON-RPC id as sent by the client; null when it could not be read. */
export type JsonRpcId = string | number | null;

/** The bytes of a JSON-RPC error response. */
export function errorResponse(id: JsonRpcId, code: number, message: string): Buffer {
  return Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }));
}
