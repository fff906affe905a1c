// Just enough JSON Schema (draft 07, the keywords codex's generated schema uses for the server requests) to
// check our valibot schemas against it: a validator, a generator of valid samples (every enum value, every
// oneOf branch, optional fields present and absent), and mutations of those samples (a field removed, a
// value of another type, an unknown key). A test then asks both for a verdict on each and compares.

export type Schema = boolean | SchemaObject;
export interface SchemaObject {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  definitions?: Record<string, Schema>;
}

type Json = unknown;
export type Path = (string | number)[];

export class JsonSchema {
  constructor(
    readonly root: Schema,
    private readonly definitions: Record<string, Schema> = (typeof root === 'object' && root.definitions) || {},
  ) {}

  private resolve(schema: Schema): Schema {
    if (typeof schema === 'object' && schema.$ref) return this.resolve(this.definitions[schema.$ref.replace('#/definitions/', '')]);
    return schema;
  }

  valid(value: Json, schema: Schema = this.root): boolean {
    const s = this.resolve(schema);
    if (s === true) return true;
    if (s === false) return false;
    if (s.type !== undefined && !(Array.isArray(s.type) ? s.type : [s.type]).some((type) => hasType(value, type))) return false;
    if (s.enum && !s.enum.some((option) => option === value)) return false;
    if (s.minimum !== undefined && typeof value === 'number' && value < s.minimum) return false;
    if (s.allOf && !s.allOf.every((inner) => this.valid(value, inner))) return false;
    if (s.anyOf && !s.anyOf.some((inner) => this.valid(value, inner))) return false;
    if (s.oneOf && s.oneOf.filter((inner) => this.valid(value, inner)).length !== 1) return false;
    if (Array.isArray(value) && s.items !== undefined && !value.every((item) => this.valid(item, s.items as Schema))) return false;
    if (isObject(value)) {
      if (s.required && !s.required.every((key) => Object.hasOwn(value, key))) return false;
      for (const [key, inner] of Object.entries(value)) {
        const declared = s.properties && Object.hasOwn(s.properties, key) ? s.properties[key] : undefined;
        if (declared !== undefined ? !this.valid(inner, declared) : s.additionalProperties !== undefined && !this.valid(inner, s.additionalProperties)) return false;
      }
    }
    return true;
  }

  /** Valid values, one per choice the schema offers (enum values, oneOf branches, optional fields, nullable). */
  samples(schema: Schema = this.root, depth = 0): Json[] {
    const s = this.resolve(schema);
    if (s === true || s === false || depth > 30) return [{ any: 'thing' }];
    if (s.enum) return [...s.enum];
    const branches = s.oneOf ?? s.anyOf;
    if (branches) return branches.flatMap((branch) => this.samples(mergeSiblings(s, branch), depth + 1));
    if (s.allOf) return this.samples({ ...(s.allOf[0] as SchemaObject), ...withoutCombinators(s) }, depth + 1);
    const types = s.type === undefined ? (s.properties ? ['object'] : []) : Array.isArray(s.type) ? s.type : [s.type];
    if (types.length === 0) return [{ any: 'thing' }];
    return types.flatMap((type) => this.samplesOfType(s, type, depth));
  }

  private samplesOfType(s: SchemaObject, type: string, depth: number): Json[] {
    switch (type) {
      case 'null':
        return [null];
      case 'string':
        return ['text'];
      case 'integer':
        return [Math.max(7, s.minimum ?? 7)];
      case 'number':
        return [1.5];
      case 'boolean':
        return [true, false];
      case 'array':
        return [[], ...(s.items === undefined ? [] : this.samples(s.items, depth + 1).map((item) => [item]))];
      case 'object':
        return this.objectSamples(s, depth);
      default:
        throw new Error(`json-schema helper: type ${type} not handled`);
    }
  }

  private objectSamples(s: SchemaObject, depth: number): Json[] {
    const properties = Object.entries(s.properties ?? {});
    const required = new Set(s.required ?? []);
    const choices = new Map(properties.map(([key, inner]) => [key, this.samples(inner, depth + 1)]));
    const base = Object.fromEntries(properties.filter(([key]) => required.has(key)).map(([key]) => [key, (choices.get(key) as Json[])[0]]));
    const full = Object.fromEntries(properties.map(([key]) => [key, (choices.get(key) as Json[])[0]]));
    const out: Json[] = [base, full];
    // Each field through each of its choices, the others as in `full`.
    for (const [key, values] of choices) for (const value of values.slice(1)) out.push({ ...full, [key]: value });
    if (s.additionalProperties !== undefined && s.additionalProperties !== false) {
      for (const value of this.samples(s.additionalProperties, depth + 1)) out.push({ ...base, someKey: value });
    }
    return out;
  }
}

/** Every value that differs from `value` in one place, with where: a key removed, a value replaced, a key added. */
export function mutations(value: Json, path: Path = []): { path: Path; value: Json }[] {
  const replacements: Json[] = [null, 0, 1.5, -3, 'zzz-unknown', true, [], {}, [{}], ['text']];
  const out: { path: Path; value: Json }[] = replacements.filter((r) => !Object.is(r, value)).map((r) => ({ path, value: r }));
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      for (const inner of mutations(item, [...path, i])) out.push({ path: inner.path, value: value.map((v, j) => (j === i ? inner.value : v)) });
    });
  } else if (isObject(value)) {
    out.push({ path: [...path, 'extraKey'], value: { ...value, extraKey: 1 } });
    for (const key of Object.keys(value)) {
      const { [key]: _removed, ...rest } = value;
      out.push({ path: [...path, key], value: rest });
      for (const inner of mutations(value[key], [...path, key])) out.push({ path: inner.path, value: { ...value, [key]: inner.value } });
    }
  }
  return out;
}

function mergeSiblings(parent: SchemaObject, branch: Schema): Schema {
  const siblings = withoutCombinators(parent);
  if (typeof branch !== 'object' || Object.keys(siblings).length === 0) return branch;
  return {
    ...siblings,
    ...branch,
    properties: { ...siblings.properties, ...branch.properties },
    required: [...(siblings.required ?? []), ...(branch.required ?? [])],
  };
}

function withoutCombinators(s: SchemaObject): SchemaObject {
  const { oneOf: _o, anyOf: _a, allOf: _l, definitions: _d, ...rest } = s;
  return rest;
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: Json, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    default:
      return typeof value === type;
  }
}
