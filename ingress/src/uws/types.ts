/** Bytes or text uWebSockets.js accepts to write. */
export type UwsChunk = string | Uint8Array | ArrayBuffer;

/**
 * The parts of a uWebSockets.js HttpResponse the ingress uses. It is valid until `onAborted` fires or the
 * response has been ended; it must never be touched after that.
 */
export interface UwsResponse {
  writeStatus(status: string): UwsResponse;
  writeHeader(key: string, value: string): UwsResponse;
  /** Writes a chunk (chunked encoding); false when backpressure built up (the chunk is buffered anyway). */
  write(chunk: UwsChunk): boolean;
  end(body?: UwsChunk, closeConnection?: boolean): UwsResponse;
  /** Writes as much of `chunk` as fits; returns [ok, hasResponded]. */
  tryEnd(chunk: UwsChunk, totalSize: number): [boolean, boolean];
  getWriteOffset(): number;
  onWritable(handler: (offset: number) => boolean): UwsResponse;
  onAborted(handler: () => void): UwsResponse;
  onData(handler: (chunk: ArrayBuffer, isLast: boolean) => void): UwsResponse;
  cork(callback: () => void): UwsResponse;
  close(): UwsResponse;
  /** The peer's IP address as text. */
  getRemoteAddressAsText(): ArrayBuffer;
}

/** The parts of a uWebSockets.js HttpRequest the ingress uses; valid only during the route handler. */
export interface UwsRequest {
  getHeader(lowerCaseKey: string): string;
  getUrl(): string;
  getQuery(): string | undefined;
  getMethod(): string;
  /** Every header field in order, repeated names included (getHeader returns only the first). */
  forEach(callback: (lowerCaseKey: string, value: string) => void): void;
}

/** An opaque uSockets listen socket. */
export interface UwsListenSocket {
  readonly __uwsListenSocket?: never;
}

/** A uWebSockets.js app (non-TLS). */
export interface UwsApp {
  any(pattern: string, handler: (res: UwsResponse, req: UwsRequest) => void): UwsApp;
  listen(host: string, port: number, callback: (socket: UwsListenSocket | false) => void): UwsApp;
  /** Closes every socket of the app, listen sockets included. */
  close(): UwsApp;
}

/** The binding's module exports the ingress uses. */
export interface UwsModule {
  App(): UwsApp;
  us_listen_socket_close(socket: UwsListenSocket): void;
  us_socket_local_port(socket: UwsListenSocket): number;
}
