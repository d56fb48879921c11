import { createHash } from 'node:crypto';
import type { Logger } from '@sluice/core';
import { Ajv, type AnySchemaObject, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

/** A compiled input schema of one revision of a tool; `validate` is null when the schema did not compile. */
export interface CompiledSchema {
  readonly hash: string;
  readonly validate: ValidateFunction | null;
}

type Dialect = 'draft-07' | '2019-09' | '2020-12';

const DIALECTS: ReadonlyMap<string, Dialect> = new Map([
  ['http://json-schema.org/draft-07/schema', 'draft-07'],
  ['http://json-schema.org/draft-06/schema', 'draft-07'],
  ['https://json-schema.org/draft/2019-09/schema', '2019-09'],
  ['https://json-schema.org/draft/2020-12/schema', '2020-12'],
]);

// Servers write keywords and formats of their own: they are ignored, not refused. One error is enough to refuse a
// call, and allErrors would let hostile arguments make the validator work harder.
const OPTIONS: Options = { strict: false, allErrors: false, validateFormats: true, addUsedSchema: false, logger: false };

/**
 * The input schemas of the backends' tools, compiled once per tool revision: a tool is keyed by server, tool name
 * and a hash of its schema, so a schema that changes (tools/list_changed) is compiled again and one that does not is
 * reused. The dialect follows `$schema` (draft-07, 2019-09, 2020-12); without one, or with one Ajv does not know,
 * the schema is read as 2020-12, the MCP default. A schema that does not compile is logged once per revision and
 * counted; its tool's calls are not validated.
 */
export class SchemaValidators {
  private readonly byTool = new Map<string, CompiledSchema & { ajv: Ajv; schema: AnySchemaObject }>();
  private readonly bySchema = new WeakMap<object, CompiledSchema>();
  private readonly instances = new Map<Dialect, Ajv>();

  constructor(
    private readonly logger: Logger,
    private readonly onUncompilable: (server: string) => void = () => undefined,
  ) {}

  /** The compiled schema of `server`'s tool `tool` with input schema `schema`. */
  compiled(server: string, tool: string, schema: AnySchemaObject): CompiledSchema {
    const known = this.bySchema.get(schema);
    if (known) return known;
    const key = `${server}\u0000${tool}`;
    const hash = createHash('sha256').update(JSON.stringify(schema)).digest('base64url');
    const previous = this.byTool.get(key);
    if (previous?.hash === hash) {
      this.bySchema.set(schema, previous);
      return previous;
    }
    if (previous) previous.ajv.removeSchema(previous.schema);
    const entry = this.compile(server, tool, schema, hash);
    this.byTool.set(key, entry);
    this.bySchema.set(schema, entry);
    return entry;
  }

  /** Forgets the tools not in `current` (tools the servers no longer list). */
  retain(current: Iterable<{ server: string; tool: string }>): void {
    const keep = new Set<string>();
    for (const { server, tool } of current) keep.add(`${server}\u0000${tool}`);
    for (const [key, entry] of this.byTool) {
      if (keep.has(key)) continue;
      entry.ajv.removeSchema(entry.schema);
      this.byTool.delete(key);
    }
  }

  private compile(server: string, tool: string, schema: AnySchemaObject, hash: string): CompiledSchema & { ajv: Ajv; schema: AnySchemaObject } {
    const declared = typeof schema.$schema === 'string' ? DIALECTS.get(schema.$schema.replace(/#$/, '')) : undefined;
    const dialect = declared ?? '2020-12';
    // An unknown $schema would make Ajv look for that meta-schema and fail; the schema is read as 2020-12 instead.
    const source = declared === undefined && schema.$schema !== undefined ? withoutMetaSchema(schema) : schema;
    const ajv = this.instance(dialect);
    try {
      return { hash, validate: ajv.compile(source), ajv, schema: source };
    } catch (err) {
      this.logger.warn(
        { server, tool: tool.slice(0, 128), dialect, err: String(err).slice(0, 500) },
        "tool's input schema does not compile; its calls are passed on unvalidated",
      );
      this.onUncompilable(server);
      return { hash, validate: null, ajv, schema: source };
    }
  }

  private instance(dialect: Dialect): Ajv {
    let ajv = this.instances.get(dialect);
    if (!ajv) {
      ajv = dialect === 'draft-07' ? new Ajv(OPTIONS) : dialect === '2019-09' ? new Ajv2019(OPTIONS) : new Ajv2020(OPTIONS);
      formats.default(ajv);
      this.instances.set(dialect, ajv);
    }
    return ajv;
  }
}

function withoutMetaSchema(schema: AnySchemaObject): AnySchemaObject {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/** Ajv's errors as `{ path, message }`, the first `max` of them. */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined, max: number): Array<{ path: string; message: string }> {
  return (errors ?? []).slice(0, max).map((e) => {
    const extra = typeof e.params.additionalProperty === 'string' ? `: ${e.params.additionalProperty}` : '';
    return { path: e.instancePath === '' ? '/' : e.instancePath, message: `${e.message ?? e.keyword}${extra}` };
  });
}
