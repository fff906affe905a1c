// Plugin options: `--plugin name:key=value,key=value` on the command line, or a JSON file given with
// --plugins-config ({"plugin-name": {"key": value}}). Checked against the plugin's declared option specs.
import * as v from 'valibot';
import { readJsonFile } from '../util/json-file.ts';
import { DbgError, usageError } from '../core/errors.ts';
import { describeIssues } from '../core/messages.ts';
import type { OptionSpec, OptionValue } from './contract.ts';

export interface PluginSpec {
  /** A built-in name, a file path, or a package name. */
  ref: string;
  options: Record<string, OptionValue>;
}

const KEY = '[A-Za-z_][\\w-]*';

/** "policy:file=rules.json,verbose=true" → { ref: "policy", options: { file: "rules.json", verbose: "true" } }. */
export function parsePluginArg(arg: string): PluginSpec {
  const match = new RegExp(`^(.*?):(${KEY}=.*)$`, 's').exec(arg);
  if (!match) return { ref: arg, options: {} };
  const options: Record<string, OptionValue> = {};
  for (const pair of match[2].split(new RegExp(`,(?=${KEY}=)`))) {
    const eq = pair.indexOf('=');
    options[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { ref: match[1], options };
}

const isPlainObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
const OptionsObject = v.pipe(
  v.custom<Record<string, unknown>>(isPlainObject, 'must be an object of options'),
  v.record(v.string(), v.union([v.string(), v.number(), v.boolean()], 'each option must be a string, number or boolean')),
);
const ConfigFile = v.pipe(v.custom<Record<string, unknown>>(isPlainObject, 'must be an object'), v.record(v.string(), OptionsObject));

export function readPluginsConfig(path: string): Record<string, Record<string, OptionValue>> {
  const parsed = v.safeParse(ConfigFile, readJsonFile(path, `--plugins-config ${path}`));
  if (!parsed.success) {
    throw usageError(`--plugins-config ${path}: expected {"plugin-name": {"option": value}}: ${describeIssues(parsed.issues)}`);
  }
  return parsed.output;
}

const schemas = {
  string: v.string(),
  number: v.pipe(v.number(), v.finite()),
  boolean: v.boolean(),
} as const;

/** Coerces command-line strings to the declared type, fills defaults, and rejects anything undeclared. */
export function validateOptions(
  pluginName: string,
  specs: Record<string, OptionSpec> | undefined,
  raw: Record<string, OptionValue>,
): Record<string, OptionValue | undefined> {
  const declared = specs ?? {};
  const known = Object.keys(declared);
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(declared, key)) {
      const takes = known.length ? `it takes: ${known.join(', ')}` : 'it takes no options';
      throw new DbgError('E_PLUGIN', `plugin "${pluginName}": unknown option "${key}" (${takes})`);
    }
  }
  const result: Record<string, OptionValue | undefined> = {};
  for (const [key, spec] of Object.entries(declared)) {
    const given = raw[key];
    if (given === undefined) {
      if (spec.required && spec.default === undefined) {
        throw new DbgError('E_PLUGIN', `plugin "${pluginName}": option "${key}" is required (${spec.description ?? spec.type})`);
      }
      result[key] = spec.default;
      continue;
    }
    const value = coerce(spec.type, given);
    const parsed = v.safeParse(schemas[spec.type], value);
    if (!parsed.success) {
      throw new DbgError('E_PLUGIN', `plugin "${pluginName}": option "${key}" must be a ${spec.type}, got ${JSON.stringify(given)}`);
    }
    result[key] = parsed.output;
  }
  return result;
}

function coerce(type: OptionSpec['type'], value: OptionValue): unknown {
  if (typeof value !== 'string') return value;
  if (type === 'number') return value.trim() === '' ? Number.NaN : Number(value);
  if (type === 'boolean') {
    const lower = value.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(lower)) return true;
    if (['false', '0', 'no', 'off'].includes(lower)) return false;
  }
  return value;
}
