// A stand-in for the model: an HTTP server on 127.0.0.1 that speaks the OpenAI Responses streaming format
// and answers each POST /v1/responses with the next step of a script. Points the real codex at it with
// codexOverrides(). Used by `--scripted-model`, `demo`, the end-to-end tests and the benchmarks.
import { Buffer } from 'node:buffer';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as v from 'valibot';
import { usageError } from '../core/errors.ts';
import { describeIssues } from '../core/messages.ts';

// A step is told apart by its key first, then checked against that one shape, so an error names it.
const STEP_SHAPES = {
  text: v.strictObject({ text: v.string(), chunks: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))) }),
  command: v.strictObject({ command: v.string() }),
  patch: v.strictObject({ patch: v.string() }),
  httpError: v.strictObject({ httpError: v.pipe(v.number(), v.integer(), v.minValue(400), v.maxValue(599)), message: v.optional(v.string()) }),
  hang: v.strictObject({ hang: v.literal(true) }),
};
const Step = v.union(Object.values(STEP_SHAPES));
export const ScriptSchema = v.strictObject({
  steps: v.array(Step),
  /** Run codex in ChatGPT auth mode (a throwaway auth.json), where it asks for attestation. */
  chatgpt: v.optional(v.boolean()),
});
export type Script = v.InferOutput<typeof ScriptSchema>;
export type ScriptStep = v.InferOutput<typeof Step>;

const STEP_HELP = 'each step is {text, chunks?} | {command} | {patch} | {httpError, message?} | {hang: true}';

export function parseScript(json: unknown, source = 'script'): Script {
  const steps = (json as { steps?: unknown } | null)?.steps;
  if (Array.isArray(steps)) {
    steps.forEach((step, index) => {
      const kind = Object.keys(STEP_SHAPES).find((key) => step && typeof step === 'object' && key in step) as keyof typeof STEP_SHAPES | undefined;
      if (!kind) throw usageError(`${source}: steps.${index} is not a step (${STEP_HELP})`);
      const parsed = v.safeParse(STEP_SHAPES[kind], step);
      if (!parsed.success) throw usageError(`${source}: steps.${index} (${kind}): ${describeIssues(parsed.issues)}`);
    });
  }
  const parsed = v.safeParse(ScriptSchema, json);
  if (!parsed.success) throw usageError(`${source}: not a model script: ${describeIssues(parsed.issues)}; ${STEP_HELP}`);
  return parsed.output;
}

export interface ModelRequest {
  headers: IncomingHttpHeaders;
  body: { input?: unknown[]; tools?: unknown[]; [key: string]: unknown };
}

export interface ScriptedModel {
  url: string;
  /** Every request the model got, in order. */
  requests: ModelRequest[];
  close(): Promise<void>;
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}_${++counter}`;

function sse(res: ServerResponse, type: string, data: Record<string, unknown>): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

function split(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces.length ? pieces : [''];
}

function streamStep(res: ServerResponse, step: ScriptStep): void {
  const responseId = nextId('resp');
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  sse(res, 'response.created', { response: { id: responseId } });
  if ('hang' in step) return; // never completes; the connection stays open until the server closes
  let item: Record<string, unknown>;
  if ('text' in step) {
    const id = nextId('msg');
    sse(res, 'response.output_item.added', { output_index: 0, item: { type: 'message', role: 'assistant', id, content: [] } });
    for (const delta of split(step.text, step.chunks ?? 3)) {
      sse(res, 'response.output_text.delta', { item_id: id, output_index: 0, content_index: 0, delta });
    }
    item = { type: 'message', role: 'assistant', id, content: [{ type: 'output_text', text: step.text }] };
  } else if ('command' in step) {
    item = { type: 'function_call', id: nextId('fc'), call_id: nextId('call'), name: 'exec_command', arguments: JSON.stringify({ cmd: step.command }) };
    sse(res, 'response.output_item.added', { output_index: 0, item });
  } else {
    item = { type: 'custom_tool_call', id: nextId('ctc'), call_id: nextId('call'), name: 'apply_patch', input: (step as { patch: string }).patch };
    sse(res, 'response.output_item.added', { output_index: 0, item });
  }
  sse(res, 'response.output_item.done', { output_index: 0, item });
  sse(res, 'response.completed', {
    response: { id: responseId, usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15, input_tokens_details: null, output_tokens_details: null } },
  });
  res.end();
}

/** Starts the server on 127.0.0.1 with a random port. Steps are served in order; after the last, a short text. */
export async function startScriptedModel(script: Script): Promise<ScriptedModel> {
  const requests: ModelRequest[] = [];
  const steps = [...script.steps];
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      let body: ModelRequest['body'] = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // keep the empty body; the test looking at it will say so
      }
      requests.push({ headers: req.headers, body });
      const step = steps.shift() ?? { text: '(the model script has no more steps)' };
      if ('httpError' in step) {
        res.writeHead(step.httpError, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: step.message ?? `scripted HTTP ${step.httpError}`, type: 'server_error' } }));
        return;
      }
      open.add(res);
      res.on('close', () => open.delete(res));
      streamStep(res, step);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

export interface OverrideOptions {
  /** ChatGPT auth mode (needs writeChatgptAuth in CODEX_HOME): the only mode in which codex asks for attestation. */
  chatgpt?: boolean;
}

/**
 * The -c overrides that point codex at the scripted model, offline, with a bundled model's tool set.
 * API-key mode reads the key from $MOCK_API_KEY (any value); ChatGPT mode uses the throwaway auth.json.
 */
export function codexOverrides(modelUrl: string, options: OverrideOptions = {}): string[] {
  const auth = options.chatgpt ? 'requires_openai_auth=true' : 'env_key="MOCK_API_KEY"';
  const overrides = [
    'model_provider=mock',
    `model_providers.mock={name="mock", base_url="${modelUrl}/v1", wire_api="responses", ${auth}, request_max_retries=0, stream_max_retries=0, supports_websockets=false}`,
    'model=gpt-5.5',
    'features.plugins=false',
    'features.apps=false',
    'analytics.enabled=false',
  ];
  if (options.chatgpt) overrides.push(`chatgpt_base_url="${modelUrl}/backend-api/"`, 'cli_auth_credentials_store="file"');
  return overrides;
}

/** A throwaway ChatGPT-mode auth.json: an unsigned id token and fake access/refresh tokens, nothing real. */
export function writeChatgptAuth(codexHome: string): void {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = { email: 'nobody@example.invalid', 'https://api.openai.com/auth': { chatgpt_plan_type: 'pro', chatgpt_user_id: 'user-fake', chatgpt_account_id: 'account-fake' } };
  const auth = {
    auth_mode: 'chatgpt',
    OPENAI_API_KEY: null,
    tokens: { id_token: `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.unsigned`, access_token: 'fake-access-token', refresh_token: 'fake-refresh-token', account_id: 'account-fake' },
    last_refresh: new Date().toISOString(),
  };
  writeFileSync(join(codexHome, 'auth.json'), JSON.stringify(auth));
}
