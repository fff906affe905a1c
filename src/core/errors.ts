// Every failure the user can see is a DbgError: a stable code, a message they can act on, and the exit code the CLI uses.

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  serverFailed: 3,
  timeout: 4,
  /** 128 + the signal's number, as shells report a program stopped by it. */
  sigint: 130,
  sigterm: 143,
} as const;

export type ErrorCode =
  | 'E_USAGE'
  | 'E_CODEX_NOT_FOUND'
  | 'E_SPAWN'
  | 'E_SERVER_EXITED'
  | 'E_TIMEOUT'
  | 'E_RPC'
  | 'E_CLOSED'
  | 'E_PLUGIN'
  | 'E_TURN_FAILED'
  | 'E_RECORDING'
  | 'E_INTERNAL';

const defaultExit: Record<ErrorCode, number> = {
  E_USAGE: ExitCode.usage,
  E_CODEX_NOT_FOUND: ExitCode.failure,
  E_SPAWN: ExitCode.serverFailed,
  E_SERVER_EXITED: ExitCode.serverFailed,
  E_TIMEOUT: ExitCode.timeout,
  E_RPC: ExitCode.failure,
  E_CLOSED: ExitCode.serverFailed,
  E_PLUGIN: ExitCode.usage,
  E_TURN_FAILED: ExitCode.failure,
  E_RECORDING: ExitCode.failure,
  E_INTERNAL: ExitCode.failure,
};

export class DbgError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  /** Lines shown as they are under the message (for example a heading and the server's last stderr lines). */
  readonly details: string[];

  constructor(code: ErrorCode, message: string, options: { exitCode?: number; details?: string[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DbgError';
    this.code = code;
    this.exitCode = options.exitCode ?? defaultExit[code];
    this.details = options.details ?? [];
  }
}

/** A JSON-RPC error reply from the server, kept whole. */
export class RpcError extends DbgError {
  readonly rpcCode: number;
  readonly data: unknown;
  readonly method: string;
  /** The server's own message, without our prefix. */
  readonly serverMessage: string;

  constructor(method: string, error: { code: number; message: string; data?: unknown }) {
    super('E_RPC', `${method} failed: ${error.message} (code ${error.code})`);
    this.name = 'RpcError';
    this.rpcCode = error.code;
    this.data = error.data;
    this.method = method;
    this.serverMessage = error.message;
  }
}

/** A mistake on the command line (or in a file it names): exit 2. */
export function usageError(message: string): DbgError {
  return new DbgError('E_USAGE', message);
}

export function toDbgError(error: unknown): DbgError {
  if (error instanceof DbgError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DbgError('E_INTERNAL', message, { cause: error });
}
