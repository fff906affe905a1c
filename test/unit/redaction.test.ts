import { describe, expect, test } from 'vitest';
import { mayHoldSecret, REDACTED, redactCommandLine, redactJson, redactValue, SECRET_NAMES } from '../../src/recording/redaction.ts';

const redacted = (value: unknown) => JSON.parse(redactJson(JSON.stringify(value)));

describe('redaction by name', () => {
  test('the secret fields of the protocol become "[redacted]", at any depth, in any spelling of the name', () => {
    expect(redacted({ id: 0, result: { token: 'attest' } })).toEqual({ id: 0, result: { token: REDACTED } });
    expect(redacted({ id: 1, result: { accessToken: 'jwt', chatgptAccountId: 'acct', chatgptPlanType: null } })).toEqual({
      id: 1,
      result: { accessToken: REDACTED, chatgptAccountId: 'acct', chatgptPlanType: null },
    });
    expect(redacted({ tokens: { id_token: 'a', access_token: 'b', refresh_token: 'c', account_id: 'x' }, OPENAI_API_KEY: 'sk' })).toEqual({
      tokens: { id_token: REDACTED, access_token: REDACTED, refresh_token: REDACTED, account_id: 'x' },
      OPENAI_API_KEY: REDACTED,
    });
    expect(redacted({ params: { type: 'apiKey', apiKey: 'sk-1' } })).toEqual({ params: { type: 'apiKey', apiKey: REDACTED } });
    expect(redacted({ 'client-private-key': 'pem', 'Set-Cookie': 'c' })).toEqual({ 'client-private-key': REDACTED, 'Set-Cookie': REDACTED });
  });

  test('types never change: numbers, booleans and nulls under secret-looking names stay as they are', () => {
    const usage = { inputTokens: 12, totalTokens: 40, cachedInputTokens: null, token: 7, refreshToken: true, isSecret: false, apiKey: null };
    expect(redacted(usage)).toEqual(usage);
    expect(mayHoldSecret(JSON.stringify({ method: 'thread/tokenUsage/updated', params: { tokenUsage: { total: { inputTokens: 1 } } } }))).toBe(false);
  });

  test('maps of environment variables and headers lose their values, keep their keys', () => {
    expect(redacted({ command: ['ls'], env: { GITHUB_TOKEN: 'g', PATH: '/bin', UNSET: null } })).toEqual({ command: ['ls'], env: { GITHUB_TOKEN: REDACTED, PATH: REDACTED, UNSET: null } });
    expect(redacted({ http_headers: { 'X-Key': 'k' }, requestHeaders: [{ name: 'a', value: 'b' }] })).toEqual({
      http_headers: { 'X-Key': REDACTED },
      requestHeaders: [{ name: REDACTED, value: REDACTED }],
    });
    // A dotted config key counts by its last segment.
    expect(redacted({ config: { 'model_providers.x.experimental_bearer_token': 't', 'model_providers.x.name': 'x' } })).toEqual({
      config: { 'model_providers.x.experimental_bearer_token': REDACTED, 'model_providers.x.name': 'x' },
    });
  });

  test('config writes: the value of a secret keyPath, before or after it', () => {
    expect(redacted({ keyPath: 'model_providers.x.api_key', value: 'sk', mergeStrategy: 'replace' })).toEqual({ keyPath: 'model_providers.x.api_key', value: REDACTED, mergeStrategy: 'replace' });
    expect(redacted({ value: 'sk', keyPath: 'model_providers.x.api_key' })).toEqual({ value: REDACTED, keyPath: 'model_providers.x.api_key' });
    expect(redacted({ edits: [{ value: { A: 'x', B: { C: 'y' } }, keyPath: 'mcp_servers.s.env' }, { keyPath: 'model', value: 'gpt' }] })).toEqual({
      edits: [{ value: { A: REDACTED, B: { C: REDACTED } }, keyPath: 'mcp_servers.s.env' }, { keyPath: 'model', value: 'gpt' }],
    });
    expect(redacted({ value: 5, keyPath: 'x.token' })).toEqual({ value: 5, keyPath: 'x.token' });
  });

  test('the text is kept byte for byte outside the secrets: key order, spacing, big numbers, "__proto__"', () => {
    const text = '{ "id" : 18446744073709551615, "__proto__": {"token" : "s"}, "n": 1e400, "s": "a\\"token\\": \\"b" }';
    expect(redactJson(text)).toBe('{ "id" : 18446744073709551615, "__proto__": {"token" : "[redacted]"}, "n": 1e400, "s": "a\\"token\\": \\"b" }');
    const plain = '{"method":"item/agentMessage/delta","params":{"delta":"a token"}}';
    expect(redactJson(plain)).toBe(plain);
  });

  test('a key written with \\u escapes is still found', () => {
    const text = '{"tok\\u0065n":"s"}';
    expect(mayHoldSecret(text)).toBe(true);
    expect(JSON.parse(redactJson(text))).toEqual({ token: REDACTED });
  });

  test('a message nested 100,000 levels deep is scanned without a stack overflow', () => {
    const depth = 100_000;
    const text = `${'{"a":'.repeat(depth)}{"token":"s"}${'}'.repeat(depth)}`;
    const out = redactJson(text);
    expect(out.length).toBe(text.length + REDACTED.length - 1);
    expect(out).toContain('{"token":"[redacted]"}');
  });

  test('the quick look says yes for every listed name, so no secret skips the scan', () => {
    for (const name of SECRET_NAMES) {
      for (const spelling of [name, name.toUpperCase(), `x_${name}`]) {
        expect(mayHoldSecret(JSON.stringify({ [spelling]: 'v' })), spelling).toBe(true);
      }
    }
  });

  test('redactValue of a replayed answer', () => {
    expect(redactValue({ result: { token: 'x' } })).toEqual({ result: { token: REDACTED } });
    const plain = { result: { decision: 'accept' } };
    expect(redactValue(plain)).toBe(plain);
  });

  test("codex's command line: secret -c overrides and secret names in inline tables", () => {
    const args = [
      '--config',
      'model_providers.x.api_key="sk-1"',
      '--config',
      'model_providers.mock={name="mock", base_url="http://127.0.0.1:1/v1", env_key="MOCK_API_KEY", experimental_bearer_token="b", http_headers={Authorization="Bearer z"}}',
      '--config',
      'mcp_servers.s.env={TOKEN="t", "QUOTED"=\'q\'}',
      '--config',
      'model=gpt-5.5',
      'app-server',
    ];
    expect(redactCommandLine(args)).toEqual([
      '--config',
      'model_providers.x.api_key=[redacted]',
      '--config',
      'model_providers.mock={name="mock", base_url="http://127.0.0.1:1/v1", env_key="MOCK_API_KEY", experimental_bearer_token="[redacted]", http_headers={Authorization="[redacted]"}}',
      '--config',
      'mcp_servers.s.env={TOKEN="[redacted]", "QUOTED"=\'[redacted]\'}',
      '--config',
      'model=gpt-5.5',
      'app-server',
    ]);
  });
});
