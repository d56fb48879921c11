import { readdirSync, readFileSync } from 'node:fs';
import { EVENT_TYPES, type EventType } from '../events.js';
import { SchemaError } from '../errors.js';

/**
 * The folder of committed schemas, one `v<N>/` folder per version holding `<event type>.avsc` files.
 * `src/avro/` and `dist/avro/` sit at the same depth, so this resolves from both.
 */
export const AVRO_DIR = new URL('../../avro/', import.meta.url);

/** One committed `.avsc` file, parsed as JSON. */
export interface SchemaFile {
  readonly eventType: EventType;
  readonly version: number;
  /** Path relative to the schemas folder, e.g. `v1/client.message.avsc`. */
  readonly path: string;
  readonly json: unknown;
}

const VERSION_DIR = /^v([1-9][0-9]*)$/;
const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/** Every committed schema file under `dir`, ordered by event type then version; rejects stray names. */
export function readSchemaFiles(dir: URL = AVRO_DIR): SchemaFile[] {
  const files: SchemaFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const version = VERSION_DIR.exec(entry.name)?.[1];
    if (!entry.isDirectory() || version === undefined) {
      throw filesInvalid(`unexpected ${entry.name}: only v<N> folders belong in the schemas folder`);
    }
    for (const name of readdirSync(new URL(`${entry.name}/`, dir))) {
      const eventType = name.endsWith('.avsc') ? name.slice(0, -'.avsc'.length) : name;
      const path = `${entry.name}/${name}`;
      if (!KNOWN_TYPES.has(eventType)) throw filesInvalid(`unexpected ${path}: not <event type>.avsc`);
      files.push({ eventType: eventType as EventType, version: Number(version), path, json: readJson(dir, path) });
    }
  }
  for (const type of EVENT_TYPES) {
    if (!files.some((f) => f.eventType === type)) throw filesInvalid(`no schema for event type ${type}`);
  }
  const order = (f: SchemaFile): number => EVENT_TYPES.indexOf(f.eventType);
  return files.sort((a, b) => order(a) - order(b) || a.version - b.version);
}

function readJson(dir: URL, path: string): unknown {
  try {
    return JSON.parse(readFileSync(new URL(path, dir), 'utf8'));
  } catch (cause) {
    throw filesInvalid(`${path} is not valid JSON`, cause);
  }
}

function filesInvalid(message: string, cause?: unknown): SchemaError {
  return new SchemaError('SLUICE_SCHEMA_LOAD_FAILED', `schema files: ${message}`, { cause });
}
