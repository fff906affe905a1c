// The built-in plugins by name. The core never imports this file; the CLI hands it to the loader.
import type { Plugin, PluginFactory } from '../contract.ts';
import ask from './ask.ts';
import attestationStub from './attestation-stub.ts';
import autoApprove from './auto-approve.ts';
import decline from './decline.ts';
import finalFormat from './format-final.ts';
import jsonl from './format-jsonl.ts';
import createPretty from './format-pretty.ts';
import raw from './format-raw.ts';
import createPolicy from './policy.ts';

/** Factories give each run fresh state (pretty keeps some) and get the plugin's raw options. */
export const builtinPlugins: Record<string, Plugin | PluginFactory> = {
  decline,
  'auto-approve': autoApprove,
  'attestation-stub': attestationStub,
  ask,
  policy: createPolicy,
  raw,
  final: finalFormat,
  pretty: createPretty,
  jsonl,
};

/** The built-ins that are formatters, for --format's error message. */
export const builtinFormatters = ['raw', 'final', 'pretty', 'jsonl'];
