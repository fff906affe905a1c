// The params of a client request typed by a person (`call <method> [json]`, `:call <method> [json]`):
// JSON text, checked before anything is sent.
import { usageError } from '../core/errors.ts';

/** Parses `json` (undefined or blank: no params); `label` names where it came from in the error. */
export function parseParamsJson(label: string, json: string | undefined): unknown {
  if (json === undefined || json.trim() === '') return undefined;
  try {
    return JSON.parse(json);
  } catch (error) {
    throw usageError(`${label}: params are not valid JSON: ${(error as Error).message}`);
  }
}
