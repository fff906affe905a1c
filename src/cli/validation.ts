// --validate for a command: the schema of the codex in use (cached per version), a validator that observes
// every message both ways, one line per violation on stderr (and in the recording), and a count at the end.
// With --validate=strict, exec and call turn a clean exit into exit 5 when anything was flagged.
// The validator (and ajv in it) is loaded only when --validate is given: it costs start-up time.
import type { TrafficEntry } from '../core/connection.ts';
import { DbgError, ExitCode } from '../core/errors.ts';
import { loadSchema } from '../codex/schema-source.ts';
import type { RecordSink } from '../recording/recorder.ts';
import type { Scope } from './lifecycle.ts';
import type { CommonOptions } from './options.ts';

export interface Validation {
  /** Feed every message here (an observer of the traffic). */
  observe(entry: TrafficEntry): void;
  readonly checked: number;
  readonly violations: number;
  /** What a command exits with: under --validate=strict a clean exit becomes 5 when anything was flagged. */
  exitCode(code: number): number;
}

export interface ValidationSetup {
  /** One line of ours on stderr. */
  log(text: string): void;
  recorder?: RecordSink;
}

/** Loads the schema of `codexPath` and starts checking; undefined without --validate (or, when not strict, if no schema can be had). */
/** `codexPath` is asked only when --validate is on: the codex whose schema to check against (it may have to be looked up). */
export async function startValidation(scope: Scope, options: CommonOptions, codexPath: () => string, setup: ValidationSetup): Promise<Validation | undefined> {
  if (options.validate === 'off') return undefined;
  const { log, recorder } = setup;
  let schema: Awaited<ReturnType<typeof loadSchema>>;
  try {
    schema = await loadSchema(codexPath(), { experimental: options.experimentalApi });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (options.validate === 'strict') throw new DbgError('E_PROTOCOL', `--validate=strict: no schema to check against: ${why}`);
    log(`codex-dbg: --validate is off for this run: no schema to check against: ${why}`);
    return undefined;
  }
  const { ProtocolValidator, violationText } = await import('../codex/validator.ts');
  const label = `codex ${schema.version}${schema.experimental ? '' : ' (stable API)'}`;
  if (!schema.fromCache) log(`codex-dbg: --validate: generated the schema of ${label} into ${schema.path}`);
  const validator = new ProtocolValidator(schema.bundle, label);
  let checked = 0;
  let violations = 0;
  scope.defer('report validation', () => {
    log(`codex-dbg: --validate: ${checked} message${checked === 1 ? '' : 's'} checked against ${label}, ${violations} violation${violations === 1 ? '' : 's'}`);
  });
  let broken = false;
  return {
    observe(entry) {
      if (broken) return;
      checked++;
      let found: ReturnType<typeof validator.check>;
      try {
        found = validator.check(entry);
      } catch (error) {
        // A fault of ours must never touch the traffic: say so once and stop checking.
        broken = true;
        log(`codex-dbg: --validate stopped: checking a ${entry.direction} ${entry.kind} failed: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      for (const violation of found) {
        violations++;
        recorder?.event('violation', { ...violation });
        log(`codex-dbg: ${violationText(violation)}`);
      }
    },
    get checked() {
      return checked;
    },
    get violations() {
      return violations;
    },
    exitCode(code) {
      if (options.validate !== 'strict' || violations === 0 || code !== ExitCode.ok) return code;
      log(`codex-dbg: error [E_PROTOCOL]: ${violations} protocol violation${violations === 1 ? '' : 's'} (--validate=strict)`);
      return ExitCode.protocol;
    },
  };
}
