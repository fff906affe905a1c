// What `import ... from "codex-dbg"` gives a plugin. Plugin files get this module even inside the
// standalone binary (the loader points the import here), so keep it to the plugin-facing surface.
export { definePlugin } from './core/plugin.ts';
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
} from './core/plugin.ts';
export type { TrafficEntry, Reply } from './core/connection.ts';
export type { ServerRequests, ServerRequestMethod, Capabilities } from './core/protocol.ts';
export { SERVER_REQUEST_METHODS } from './core/protocol.ts';
export { safeReply } from './core/safe-replies.ts';
export { DbgError } from './core/errors.ts';
export { VERSION } from './version.ts';
