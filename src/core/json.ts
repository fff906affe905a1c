// JSON text for any value JSON can hold, however deep. JSON.parse takes a value nested 100,000 levels (a
// server can send one), but JSON.stringify recurses and overflows the stack on it. toJson falls back to a
// writer with its own stack then: the same text, written compactly. Like JSON.stringify it throws on a
// BigInt or a cycle, and returns undefined for a value JSON cannot hold (a function, a symbol, undefined).

/** Deeper than this, indenting is no help to a reader and its text grows with the square of the depth. */
const MAX_INDENT_DEPTH = 100;
/** How many nodes the depth probe looks at before it stops and lets JSON.stringify decide. */
const PROBE_NODES = 100_000;

/** JSON text for `value`, indented when `indent` is given and the value is not too deep to indent. */
export function toJson(value: unknown, indent?: number): string | undefined {
  const indented = indent !== undefined && indent > 0 && !deeperThan(value, MAX_INDENT_DEPTH);
  try {
    return JSON.stringify(value, null, indented ? indent : undefined);
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    return writeDeep(value);
  }
}

/** Whether objects and arrays nest more than `limit` levels in `value` (a cycle nests for ever). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let visited = 0; stack.length > 0 && visited < PROBE_NODES; visited++) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= limit) return true;
    for (const inner of Object.values(node)) if (typeof inner === 'object' && inner !== null) stack.push([inner, depth + 1]);
  }
  return false;
}

/** Like toJson, but a value JSON cannot hold (a function, a symbol, undefined) throws a TypeError that says so. */
export function toJsonText(value: unknown, indent?: number): string {
  const text = toJson(value, indent);
  if (text === undefined) throw new TypeError(`${value === undefined ? 'undefined' : `a ${typeof value}`} is not JSON`);
  return text;
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

const OMIT = Symbol('omit');
const OPEN = Symbol('open');

/** What JSON.stringify would do with a member value: its text, OMIT, or OPEN (an object or array to walk). */
function scalar(value: unknown): string | typeof OMIT | typeof OPEN {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return String(value);
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Number || value instanceof String || value instanceof Boolean) return scalar(value.valueOf());
      return OPEN;
    default:
      return OMIT;
  }
}

function prepare(value: unknown, key: string): unknown {
  const toJSON = value !== null && typeof value === 'object' ? (value as { toJSON?: unknown }).toJSON : undefined;
  return typeof toJSON === 'function' ? toJSON.call(value, key) : value;
}

interface Frame {
  value: Record<string, unknown>;
  keys: string[] | undefined;
  length: number;
  index: number;
  wrote: boolean;
}

function writeDeep(root: unknown): string | undefined {
  const first = prepare(root, '');
  const text = scalar(first);
  if (text === OMIT) return undefined;
  if (text !== OPEN) return text;
  const out: string[] = [];
  const stack: Frame[] = [];
  const walking = new Set<object>();
  const open = (value: object) => {
    if (walking.has(value)) throw new TypeError('Converting circular structure to JSON');
    walking.add(value);
    const keys = Array.isArray(value) ? undefined : Object.keys(value);
    stack.push({ value: value as Record<string, unknown>, keys, length: keys ? keys.length : (value as unknown[]).length, index: 0, wrote: false });
    out.push(keys ? '{' : '[');
  };
  open(first as object);
  for (let frame = stack.at(-1); frame; frame = stack.at(-1)) {
    if (frame.index >= frame.length) {
      out.push(frame.keys ? '}' : ']');
      walking.delete(frame.value);
      stack.pop();
      continue;
    }
    const key = frame.keys ? frame.keys[frame.index] : String(frame.index);
    frame.index++;
    const value = prepare(frame.value[key], key);
    const member = scalar(value);
    if (member === OMIT && frame.keys) continue;
    if (frame.wrote) out.push(',');
    frame.wrote = true;
    if (frame.keys) out.push(JSON.stringify(key), ':');
    if (member === OPEN) open(value as object);
    else out.push(member === OMIT ? 'null' : member);
  }
  return out.join('');
}
