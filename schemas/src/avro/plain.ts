import avsc from 'avsc';
import type { Type, types } from 'avsc';

/** Turns a value avsc decoded into plain objects and arrays. */
export type ToPlain = (value: unknown) => unknown;

type Convert = ToPlain | undefined;

/**
 * Builds, once per reader type, the function that copies avsc's decoded records (instances of generated
 * classes) into plain objects, so events compare and serialize like the literals producers build.
 */
export function plainConverter(type: Type): ToPlain {
  return converterFor(type) ?? ((value) => value);
}

function converterFor(type: Type): Convert {
  if (avsc.Type.isType(type, 'record')) return recordConverter(type as types.RecordType);
  if (avsc.Type.isType(type, 'array')) {
    const item = converterFor((type as types.ArrayType).itemsType);
    return item && ((value) => (value as unknown[]).map(item));
  }
  if (avsc.Type.isType(type, 'map')) {
    const entry = converterFor((type as types.MapType).valuesType as Type);
    return entry && ((value) => mapValues(value as Record<string, unknown>, entry));
  }
  if (avsc.Type.isType(type, 'union')) return unionConverter((type as types.UnwrappedUnionType).types);
  return undefined;
}

function recordConverter(type: types.RecordType): ToPlain {
  const names = type.fields.map((f) => f.name);
  const converts = type.fields.map((f) => converterFor(f.type));
  return (value) => {
    const from = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const convert = converts[i];
      out[name] = convert ? convert(from[name]) : from[name];
    }
    return out;
  };
}

/** Unwrapped unions hold at most one array branch and one object branch, so the value's shape picks the branch. */
function unionConverter(branches: readonly Type[]): Convert {
  let forArray: Convert;
  let forObject: Convert;
  for (const branch of branches) {
    const convert = converterFor(branch);
    if (avsc.Type.isType(branch, 'array')) forArray = convert;
    else if (avsc.Type.isType(branch, 'record', 'map')) forObject = convert;
  }
  if (!forArray && !forObject) return undefined;
  return (value) => {
    if (Array.isArray(value)) return forArray ? forArray(value) : value;
    if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) return forObject ? forObject(value) : value;
    return value;
  };
}

function mapValues(value: Record<string, unknown>, convert: ToPlain): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = convert(value[key]);
  return out;
}
