const BLOCK = 512;

/**
 * Reads the regular files of an uncompressed tar archive (ustar, with PAX and GNU long names), keyed by their
 * path without a leading `/` or `./`. Throws on a truncated or malformed archive.
 */
export function readTar(archive: Uint8Array): Map<string, Buffer> {
  const buf = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  if (buf.length === 0) throw new Error('the archive is empty');
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | null = null;
  while (offset + BLOCK <= buf.length) {
    const header = buf.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return files;
    checkChecksum(header, offset);
    const size = readSize(header.subarray(124, 136), offset);
    const type = String.fromCharCode(header[156] ?? 0);
    const start = offset + BLOCK;
    if (start + size > buf.length) throw new Error(`tar entry at byte ${offset} runs past the end of the archive`);
    const body = buf.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      longName = paxPath(body) ?? longName;
    } else if (type === 'L') {
      longName = cString(body);
    } else if (type === '0' || type === '\0' || type === '7') {
      files.set(normalize(longName ?? headerName(header)), Buffer.from(body));
      longName = null;
    } else if (type !== 'g') {
      longName = null;
    }
  }
  throw new Error('the archive ends without its end-of-archive marker');
}

function headerName(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  const ustar = header.subarray(257, 262).toString('latin1') === 'ustar';
  const prefix = ustar ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function normalize(path: string): string {
  return path.replace(/^(\.?\/)+/, '');
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
}

function readSize(field: Buffer, at: number): number {
  if ((field[0] ?? 0) & 0x80) {
    let size = 0;
    for (let i = 1; i < field.length; i++) size = size * 256 + (field[i] ?? 0);
    return size;
  }
  const text = cString(field).trim();
  if (!/^[0-7]*$/.test(text)) throw new Error(`tar header at byte ${at} has a malformed size`);
  return text === '' ? 0 : parseInt(text, 8);
}

function checkChecksum(header: Buffer, at: number): void {
  const stored = parseInt(cString(header.subarray(148, 156)).trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  if (stored !== sum) throw new Error(`tar header at byte ${at} has a bad checksum`);
}

function paxPath(body: Buffer): string | null {
  let path: string | null = null;
  let offset = 0;
  while (offset < body.length) {
    const space = body.indexOf(0x20, offset);
    if (space === -1) break;
    const length = parseInt(body.subarray(offset, space).toString('latin1'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = body.subarray(space + 1, offset + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    offset += length;
  }
  return path;
}
