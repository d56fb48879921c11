/** What a buffer keeps between uses at most; a larger one (a batch of huge messages) is freed after use. */
const MAX_RETAINED_BYTES = 16 * 2 ** 20;
const INITIAL_BYTES = 2 ** 20;

/**
 * A reusable byte buffer that the lines of an insert are copied into. Copying each line straight into it, instead
 * of joining the lines into one string and that into a new Buffer, saves a third of the encoding's CPU: no joined
 * copy, and no fresh megabytes for the kernel to hand out and zero at every write.
 */
export class TextBuffer {
  private bytes: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  private length = 0;

  /** Starts a new text, overwriting the previous one. */
  reset(): void {
    if (this.bytes.length > MAX_RETAINED_BYTES) this.bytes = Buffer.allocUnsafe(INITIAL_BYTES);
    this.length = 0;
  }

  /** Appends bytes as they are (a line already encoded, newline included). */
  append(bytes: Uint8Array): void {
    this.reserve(bytes.byteLength);
    this.bytes.set(bytes, this.length);
    this.length += bytes.byteLength;
  }

  /** The text written since `reset`: a view of the buffer, valid until the next `reset`. */
  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + bytes));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }
}
