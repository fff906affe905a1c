// What `import ... from "codex-dbg"` gives a plugin. Plugin files get this module even inside the
// standalone binary (the loader points the import here), so keep it to the plugin-facing surface.
export { definePlugin } from './plugins/contract.ts';
export type {
  Plugin,
  PluginFactory,
  PluginContext,
  HandlerContext,
  Handler,
  Handlers,
  OptionSpec,
  OptionValue,
  Choice,
  Colors,
} from './plugins/contract.ts';
export type { TrafficEntry, Reply } from './core/connection.ts';
export type { ServerRequests, ServerRequestMethod, Capabilities } from './codex/protocol.ts';
export { SERVER_REQUEST_METHODS } from './codex/protocol.ts';
export { safeReply } from './codex/safe-replies.ts';
export { DbgError } from './core/errors.ts';
export { VERSION } from './version.ts';
