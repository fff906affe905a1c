// Checks messages, in both directions, against the JSON Schema of the codex in use: the method is one the
// schema knows, params are sent when required and left out when typed null, and params, results and error
// objects have the shape of their types. It observes what the connection (or a replay, or a tap) carries and
// never changes or stops a message: each problem comes back as a Violation, one readable line.
// ajv compiles each type once, the first time a message of that type is seen (compiling all ~270 at start
// takes about a second; a session uses a dozen or two).
import ajvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { MessageKind, RequestId } from '../core/messages.ts';
import {
  definitionPointer,
  protocolTables,
  resolvePointer,
  type JsonSchema,
  type MethodSignature,
  type ProtocolTables,
  type SchemaBundle,
} from './protocol-schema.ts';

// ajv is CommonJS and sets `exports.default`: Node's ESM loader hands over module.exports (the class, with
// .default on it), bundlers hand over .default.
const Ajv = (ajvModule.default ?? ajvModule) as typeof ajvModule.default;

/** What a validator needs of a message on the wire (a TrafficEntry is one). */
export interface Observed {
  direction: 'in' | 'out';
  kind: MessageKind;
  message: object;
}

export interface Violation {
  direction: 'in' | 'out';
  kind: MessageKind;
  /** The request's method (for a response: the method of the request it answers); undefined when unknown. */
  method: string | undefined;
  id: RequestId | undefined;
  /** Where in the message: "params.thread.id", "result.decision", "method". */
  path: string;
  /** What is wrong: "is required", "must be "accept" | "decline" (got "approved")". */
  rule: string;
}

/** Integer formats the schema uses, with their ranges (the schema already says "integer"). */
const INTEGER_RANGES: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [-(2 ** 63), 2 ** 63],
  uint: [0, 2 ** 64],
  uint8: [0, 255],
  uint16: [0, 65_535],
  uint32: [0, 2 ** 32 - 1],
  uint64: [0, 2 ** 64],
};

/** Requests still waiting for their reply, per direction, to know what type a reply must have; the oldest are forgotten beyond this. */
const MAX_OPEN_REQUESTS = 10_000;

export class ProtocolValidator {
  readonly tables: ProtocolTables;
  private readonly ajv: InstanceType<typeof ajvModule.default>;
  private readonly compiled = new Map<string, ValidateFunction>();
  /** Method of each open request by "<who asked>:<id>": "client:7", "server:0". */
  private readonly open = new Map<string, string>();
  private readonly errorPointer: string | undefined;

  constructor(
    private readonly bundle: SchemaBundle,
    /** Names the schema in rules: "codex 0.169.0". */
    private readonly label = 'the schema',
  ) {
    this.tables = protocolTables(bundle);
    // verbose: errors carry their schema and value, to tell a union's branches apart (wrongTagBranches).
    this.ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false, logger: false, verbose: true });
    for (const format of formatsIn(bundle)) {
      const range = INTEGER_RANGES[format];
      this.ajv.addFormat(format, range ? { type: 'number', validate: (n: number) => n >= range[0] && n <= range[1] } : () => true);
    }
    this.ajv.addSchema(bundle as object, 'codex');
    this.errorPointer = definitionPointer(bundle, 'JSONRPCErrorError');
  }

  /** The problems of one message; empty when it is valid. */
  check(entry: Observed): Violation[] {
    const message = entry.message as { id?: RequestId; method?: string; params?: unknown; result?: unknown; error?: unknown };
    const violation = (method: string | undefined, path: string, rule: string): Violation => ({
      direction: entry.direction,
      kind: entry.kind,
      method,
      id: message.id,
      path,
      rule,
    });
    const asker = entry.direction === 'out' ? 'client' : 'server';
    switch (entry.kind) {
      case 'request':
        this.remember(`${asker}:${String(message.id)}`, String(message.method));
        return this.checkCall(entry.direction === 'out' ? 'clientRequest' : 'serverRequest', message, violation);
      case 'notification':
        return this.checkCall(entry.direction === 'out' ? 'clientNotification' : 'serverNotification', message, violation);
      case 'response': {
        const method = this.settle(entry.direction === 'in' ? 'client' : 'server', message.id);
        if (method === undefined) return [];
        const table = entry.direction === 'in' ? this.tables.clientRequest : this.tables.serverRequest;
        const pointer = table.get(method)?.resultPointer;
        return pointer ? this.checkValue(pointer, message.result, 'result').map((v) => violation(method, v.path, v.rule)) : [];
      }
      case 'error': {
        const method = message.id === null || message.id === undefined ? undefined : this.settle(entry.direction === 'in' ? 'client' : 'server', message.id);
        if (!this.errorPointer) return [];
        return this.checkValue(this.errorPointer, message.error, 'error').map((v) => violation(method, v.path, v.rule));
      }
    }
  }

  private checkCall(
    kind: keyof ProtocolTables,
    message: { method?: string; params?: unknown },
    violation: (method: string | undefined, path: string, rule: string) => Violation,
  ): Violation[] {
    const method = String(message.method);
    const signature: MethodSignature | undefined = this.tables[kind].get(method);
    if (!signature) return [violation(method, 'method', `"${method}" is not a ${KIND_NAMES[kind]} of ${this.label}`)];
    const given = 'params' in message && message.params !== undefined;
    if (!given) return signature.params === 'required' ? [violation(method, 'params', 'is required')] : [];
    if (!signature.paramsPointer) {
      return message.params === null ? [] : [violation(method, 'params', `must be left out: ${method} takes no params (got ${preview(message.params)})`)];
    }
    return this.checkValue(signature.paramsPointer, message.params, 'params').map((v) => violation(method, v.path, v.rule));
  }

  private checkValue(pointer: string, value: unknown, root: string): { path: string; rule: string }[] {
    const validate = this.validatorFor(pointer);
    if (validate(value)) return [];
    return [describeErrors(validate.errors ?? [], value, root, (schema) => (schema.$ref ? (resolvePointer(this.bundle, schema.$ref) ?? schema) : schema))];
  }

  private validatorFor(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.getSchema(`codex${pointer}`);
      if (!validate) throw new Error(`no schema at ${pointer}`);
      this.compiled.set(pointer, validate);
    }
    return validate;
  }

  private remember(key: string, method: string): void {
    this.open.set(key, method);
    if (this.open.size > MAX_OPEN_REQUESTS) this.open.delete(this.open.keys().next().value as string);
  }

  private settle(asker: 'client' | 'server', id: RequestId | undefined): string | undefined {
    const key = `${asker}:${String(id)}`;
    const method = this.open.get(key);
    this.open.delete(key);
    return method;
  }
}

const KIND_NAMES: Record<keyof ProtocolTables, string> = {
  clientRequest: 'client request',
  serverRequest: 'server request',
  serverNotification: 'server notification',
  clientNotification: 'client notification',
};

function formatsIn(bundle: SchemaBundle): Set<string> {
  const formats = new Set<string>();
  JSON.stringify(bundle, (key, value) => {
    if (key === 'format' && typeof value === 'string') formats.add(value);
    return value;
  });
  return formats;
}

/** A value as it can be quoted in a rule: JSON, cut to 60 characters. */
function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** "/input/0/type" under "params" → ["params", "input", 0, "type"]. */
function segments(root: string, instancePath: string, extra?: string): (string | number)[] {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  return [root, ...parts, ...(extra === undefined ? [] : [extra])];
}

function pathText(parts: (string | number)[]): string {
  return parts.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

function valueAt(value: unknown, parts: (string | number)[]): unknown {
  return parts.slice(1).reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], value);
}

/** The field an error is about: for "required" and "additionalProperties" that is the property itself. */
function errorPath(error: ErrorObject, root: string): (string | number)[] {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  return segments(root, error.instancePath, params.missingProperty ?? params.additionalProperty);
}

const COMBINATORS = new Set(['oneOf', 'anyOf', 'allOf', 'not', 'if']);

/** The tag properties of a union branch: those with exactly one allowed value, as `type: {enum: ["text"]}`. */
function tagsOf(branch: JsonSchema): [string, unknown][] {
  return Object.entries(branch.properties ?? {})
    .filter(([, property]) => typeof property === 'object' && property !== null && (property.enum?.length === 1 || 'const' in property))
    .map(([key, property]) => [key, property.enum ? property.enum[0] : property.const]);
}

interface Unions {
  /** Schema-path prefixes of branches whose tag the value does not have. */
  wrong: string[];
  /** A union none of whose branches has the value's tag: the rule is then about the tag itself. */
  unknownTag?: { error: ErrorObject; key: string; tags: unknown[] };
}

/**
 * Branches of tagged unions whose tag the value does not have (`{type: "text", …}` against the "image"
 * branch): their complaints ("must have required property 'url'") are noise. Read from each union's own
 * error, which (with ajv's verbose option) carries the branches and the value.
 */
function tagUnions(errors: ErrorObject[], resolve: (schema: JsonSchema) => JsonSchema): Unions {
  const unions: Unions = { wrong: [] };
  for (const error of errors) {
    if ((error.keyword !== 'oneOf' && error.keyword !== 'anyOf') || !Array.isArray(error.schema)) continue;
    const data = error.data as Record<string, unknown> | null;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) continue;
    const branches = (error.schema as JsonSchema[]).map((branch) => tagsOf(resolve(branch)));
    let wrongHere = 0;
    branches.forEach((tags, index) => {
      if (!tags.some(([key, tag]) => key in data && data[key] !== tag)) return;
      unions.wrong.push(`${error.schemaPath}/${index}/`);
      wrongHere++;
    });
    const key = branches[0]?.[0]?.[0];
    if (wrongHere === branches.length && key !== undefined && branches.every((tags) => tags.some(([k]) => k === key))) {
      unions.unknownTag ??= { error, key, tags: branches.map((tags) => tags.find(([k]) => k === key)?.[1]) };
    }
  }
  return unions;
}

/**
 * ajv's errors for one value as one rule. A union that failed reports every branch; branches whose tag does
 * not match are dropped, then the most specific place (the deepest path) is where the value went wrong, and
 * the branches that failed right there are the choices.
 */
export function describeErrors(
  errors: ErrorObject[],
  value: unknown,
  root: string,
  resolve: (schema: JsonSchema) => JsonSchema = (schema) => schema,
): { path: string; rule: string } {
  const unions = tagUnions(errors, resolve);
  if (unions.unknownTag) {
    const { error, key, tags } = unions.unknownTag;
    const parts = segments(root, error.instancePath, key);
    return { path: pathText(parts), rule: `must be ${tags.map((tag) => JSON.stringify(tag)).join(' | ')} (got ${preview(valueAt(value, parts))})` };
  }
  const matching = errors.filter((error) => !unions.wrong.some((branch) => error.schemaPath.startsWith(branch)));
  const specific = (matching.length > 0 ? matching : errors).filter((error) => !COMBINATORS.has(error.keyword));
  const candidates = specific.length > 0 ? specific : matching.length > 0 ? matching : errors;
  const depth = Math.max(...candidates.map((error) => errorPath(error, root).length));
  const deepest = candidates.filter((error) => errorPath(error, root).length === depth);
  const parts = errorPath(deepest[0], root);
  const path = pathText(parts);
  const first = deepest[0];
  if (first.keyword === 'required') return { path, rule: 'is required' };
  if (first.keyword === 'additionalProperties') return { path, rule: 'is not a field of this type' };
  const choices: string[] = [];
  const others: string[] = [];
  for (const error of deepest) {
    const params = error.params as { allowedValues?: unknown[]; allowedValue?: unknown; type?: string };
    if (error.keyword === 'enum') choices.push(...(params.allowedValues ?? []).map((v) => JSON.stringify(v)));
    else if (error.keyword === 'const') choices.push(JSON.stringify(params.allowedValue));
    else if (error.keyword === 'type') choices.push(String(params.type));
    else others.push(error.message ?? error.keyword);
  }
  // "must be string | "a" | "b"": the enum values already say string.
  const enumTypes = new Set(deepest.filter((e) => e.keyword === 'enum').flatMap((e) => ((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => typeof v)));
  const unique = [...new Set(choices)].filter((choice) => !enumTypes.has(choice as 'string'));
  const rule = [unique.length ? `must be ${unique.join(' | ')}` : '', ...new Set(others)].filter(Boolean).join('; ');
  return { path, rule: `${rule} (got ${preview(valueAt(value, parts))})` };
}

/** One line: "violation out request thread/start id 3: params.sandbox: must be …". */
export function violationText(violation: Violation): string {
  const id = violation.id === undefined || violation.id === null ? '' : ` id ${JSON.stringify(violation.id)}`;
  const what = `${violation.direction} ${violation.kind}${violation.method ? ` ${violation.method}` : ''}${id}`;
  return `violation: ${what}: ${violation.path}: ${violation.rule}`;
}
