// What changed in the protocol between two codex versions, from their generated schemas: methods and
// notifications added and removed (and whether their params became required), types added and removed,
// and inside each type that both have: fields added, removed, made required or optional or given another
// type, enum values and tagged-union variants added and removed. The changelog front-end authors ask for.
import { protocolTables, type JsonSchema, type MethodKind, type SchemaBundle } from './protocol-schema.ts';

export interface SchemaChange {
  /** "+" added, "-" removed, "~" changed. */
  change: '+' | '-' | '~';
  /** "client request", "server notification", "type", "field", "value", "variant". */
  what: string;
  /** Where: a method, a type, or "Type.field". */
  name: string;
  /** More words: "(required)", "string → string | null". */
  detail?: string;
}

const METHOD_KINDS: [MethodKind, string][] = [
  ['clientRequest', 'client request'],
  ['serverRequest', 'server request'],
  ['serverNotification', 'server notification'],
  ['clientNotification', 'client notification'],
];

/** The method unions and the JSON-RPC envelope are compared as methods above, not as types. */
const NOT_TYPES = new Set(['ClientRequest', 'ServerRequest', 'ServerNotification', 'ClientNotification', 'v2']);

/** Every named type of a bundle, root and v2 alike, by name (v2 wins a clash, as it is what clients speak). */
function namedTypes(bundle: SchemaBundle): Map<string, JsonSchema> {
  const types = new Map<string, JsonSchema>();
  for (const [name, schema] of Object.entries(bundle.definitions)) if (!NOT_TYPES.has(name)) types.set(name, schema);
  for (const [name, schema] of Object.entries(bundle.definitions.v2 ?? {})) types.set(name, schema);
  return types;
}

/** A short text for the type of a value: "string | null", "ThreadItem[]", "\"a\" | \"b\"". */
export function typeText(schema: JsonSchema | boolean | undefined): string {
  if (schema === undefined || schema === true) return 'any';
  if (schema === false) return 'never';
  if (schema.$ref) return schema.$ref.split('/').pop() as string;
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return [...new Set(union.map(typeText))].join(' | ');
  if (schema.allOf?.length === 1) return typeText(schema.allOf[0]);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return types.map((type) => (type === 'array' ? `${itemsText(schema)}[]` : type)).join(' | ') || 'any';
}

function itemsText(schema: JsonSchema): string {
  const items = Array.isArray(schema.items) ? schema.items[0] : schema.items;
  const text = typeText(items);
  return text.includes(' ') ? `(${text})` : text;
}

/** The tag of a tagged-union branch: the single value of a property such as `type: {enum: ["agentMessage"]}`. */
function variantTag(branch: JsonSchema): string | undefined {
  for (const property of Object.values(branch.properties ?? {})) {
    if (property.enum?.length === 1 && Object.keys(branch.properties ?? {}).length > 0) return String(property.enum[0]);
  }
  return branch.title;
}

/** Enum values of a type: a plain enum, or a oneOf of one-value enums (how documented variants are written). */
function enumValues(schema: JsonSchema): unknown[] | undefined {
  if (schema.enum) return schema.enum;
  const union = schema.oneOf ?? schema.anyOf;
  const values = union?.filter((branch) => branch.enum).flatMap((branch) => branch.enum as unknown[]);
  return values && values.length > 0 ? values : undefined;
}

function objectBranches(schema: JsonSchema): JsonSchema[] {
  return (schema.oneOf ?? schema.anyOf ?? []).filter((branch) => branch.properties);
}

function diffValues(name: string, before: unknown[] | undefined, after: unknown[] | undefined, out: SchemaChange[]): void {
  if (!before || !after) return;
  const was = new Set(before.map((value) => JSON.stringify(value)));
  const now = new Set(after.map((value) => JSON.stringify(value)));
  for (const value of now) if (!was.has(value)) out.push({ change: '+', what: 'value', name, detail: value });
  for (const value of was) if (!now.has(value)) out.push({ change: '-', what: 'value', name, detail: value });
}

/** Compares one type (or an inline object inside one) and everything inline in it. */
function diffType(name: string, before: JsonSchema, after: JsonSchema, out: SchemaChange[]): void {
  diffValues(name, enumValues(before), enumValues(after), out);
  if (before.properties || after.properties) diffFields(name, before, after, out);
  const beforeVariants = new Map(objectBranches(before).map((branch) => [variantTag(branch), branch]));
  const afterVariants = new Map(objectBranches(after).map((branch) => [variantTag(branch), branch]));
  for (const [tag, branch] of afterVariants) {
    const old = beforeVariants.get(tag);
    if (!old) out.push({ change: '+', what: 'variant', name, detail: JSON.stringify(tag) });
    else diffFields(`${name}[${tag}]`, old, branch, out);
  }
  for (const tag of beforeVariants.keys()) if (!afterVariants.has(tag)) out.push({ change: '-', what: 'variant', name, detail: JSON.stringify(tag) });
}

function diffFields(name: string, before: JsonSchema, after: JsonSchema, out: SchemaChange[]): void {
  const was = before.properties ?? {};
  const now = after.properties ?? {};
  const required = (schema: JsonSchema, field: string) => schema.required?.includes(field) ?? false;
  for (const [field, schema] of Object.entries(now)) {
    const path = `${name}.${field}`;
    const old = was[field];
    if (!old) {
      out.push({ change: '+', what: 'field', name: path, detail: `${typeText(schema)}${required(after, field) ? ', required' : ''}` });
      continue;
    }
    if (required(before, field) !== required(after, field)) out.push({ change: '~', what: 'field', name: path, detail: required(after, field) ? 'now required' : 'now optional' });
    const [oldText, newText] = [typeText(old), typeText(schema)];
    if (old.properties || schema.properties) diffType(path, old, schema, out);
    else if (old.enum && schema.enum) diffValues(path, old.enum, schema.enum, out);
    else if (oldText !== newText) out.push({ change: '~', what: 'field', name: path, detail: `${oldText} → ${newText}` });
  }
  for (const field of Object.keys(was)) if (!now[field]) out.push({ change: '-', what: 'field', name: `${name}.${field}` });
}

/** Every change from `before` to `after`, methods first, then types by name. */
export function diffSchemas(before: SchemaBundle, after: SchemaBundle): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const [oldTables, newTables] = [protocolTables(before), protocolTables(after)];
  for (const [kind, what] of METHOD_KINDS) {
    for (const [method, signature] of newTables[kind]) {
      const old = oldTables[kind].get(method);
      if (!old) changes.push({ change: '+', what, name: method });
      else if (old.params !== signature.params) changes.push({ change: '~', what, name: method, detail: `params ${old.params} → ${signature.params}` });
    }
    for (const method of oldTables[kind].keys()) if (!newTables[kind].has(method)) changes.push({ change: '-', what, name: method });
  }
  const [oldTypes, newTypes] = [namedTypes(before), namedTypes(after)];
  for (const name of [...new Set([...oldTypes.keys(), ...newTypes.keys()])].sort()) {
    const [old, now] = [oldTypes.get(name), newTypes.get(name)];
    if (!old) changes.push({ change: '+', what: 'type', name });
    else if (!now) changes.push({ change: '-', what: 'type', name });
    else diffType(name, old, now, changes);
  }
  return changes;
}

/** One line per change: "+ client request thread/goal/set", "~ field ThreadStartParams.cwd: now required". */
export function changeText(change: SchemaChange): string {
  return `${change.change} ${change.what} ${change.name}${change.detail ? (change.what === 'field' && change.change === '+' ? ` (${change.detail})` : `: ${change.detail}`) : ''}`;
}
