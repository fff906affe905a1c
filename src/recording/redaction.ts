// Redaction by name: only the string values of fields that carry secrets in the app-server protocol are
// replaced, by "[redacted]"; numbers, booleans, nulls, objects and every other field stay exactly as sent.
// It works on the JSON text itself (a scan with an explicit stack, no parse, no recursion), so a message
// nested 100,000 levels deep costs a loop, never a stack overflow, and a "__proto__" key, a number above
// 2^53 or the order of keys come through byte for byte.
//
// Where the list comes from: the JSON Schema the pinned codex generates for itself
// (`codex app-server generate-json-schema --out DIR --experimental`, codex 0.169.0), searched for every
// property whose name or description speaks of a token, key, secret, password, credential, header or
// cookie; /work/shared/protocol-notes.md (attestation, ChatGPT token refresh, the auth.json of a ChatGPT
// login); and codex's config keys that hold credentials (passed as `-c` overrides, in `thread/start`'s
// `config`, or written with `config/value/write`).

/** What a redacted string becomes. A string stays a string: the protocol's types never change. */
export const REDACTED = '[redacted]';

/**
 * Fields whose string value is a secret, wherever they appear. Compared after normalising the key: the
 * part after its last "." (so `model_providers.x.api_key` in a config map counts), lower case, without
 * "-" and "_" (so `api_key`, `apiKey` and `API-KEY` are one name).
 */
const SECRET_FIELDS: Record<string, string> = {
  token: 'attestation/generate reply {token} (AttestationGenerateResponse)',
  accesstoken: 'account/chatgptAuthTokens/refresh reply, account/login/start {type:"chatgptAuthTokens"}, auth.json access_token',
  idtoken: 'auth.json id_token (a ChatGPT login)',
  refreshtoken: 'auth.json refresh_token (GetAccountParams.refreshToken is a boolean and stays one)',
  apikey: 'account/login/start {type:"apiKey", apiKey}; config api_key',
  openaiapikey: 'auth.json OPENAI_API_KEY',
  accesskeyid: 'account/login/start, Bedrock credentials',
  secretaccesskey: 'account/login/start, Bedrock credentials',
  sessiontoken: 'account/login/start, Bedrock credentials',
  authbearertoken: 'environment/add (EnvironmentAddParams.authBearerToken)',
  bearertoken: 'config mcp_servers.*.bearer_token',
  experimentalbearertoken: 'config model_providers.*.experimental_bearer_token',
  authorization: 'HTTP headers in config maps and MCP/OAuth',
  proxyauthorization: 'HTTP headers',
  cookie: 'HTTP headers',
  setcookie: 'HTTP headers',
  password: '-c overrides and config',
  passwd: '-c overrides and config',
  secret: '-c overrides and config',
  clientsecret: 'MCP OAuth client secrets in config',
  clientprivatekey: 'otel TLS client-private-key (OtelTlsConfig)',
  privatekey: 'config',
  usercode: 'device-code login reply (LoginAccountResponse.userCode, GatewayOAuthPrompt.userCode)',
  pairingcode: 'remoteControl pairing (RemoteControlPairingStartResponse)',
  manualpairingcode: 'remoteControl pairing',
};

/** Fields whose every string value beneath is a secret (maps of environment variables or headers); keys stay. */
const SECRET_MAPS: Record<string, string> = {
  env: 'command/exec and process/spawn env (CommandExecParams, ProcessSpawnParams), config mcp_servers.*.env',
  httpheaders: 'config model_providers.*.http_headers, mcp_servers.*.http_headers',
  headers: 'otel exporter headers (OtelExporter; the server redacts them too)',
  requestheaders: 'BrowserUseExtensionRequirements.requestHeaders [{name, value}]',
};

type Rule = 0 | 1 | 2; // none, this string, every string beneath
const NONE: Rule = 0;
const SECRET: Rule = 1;
const ALL: Rule = 2;

function normalise(key: string): string {
  return key.slice(key.lastIndexOf('.') + 1).toLowerCase().replace(/[-_]/g, '');
}

/** Keys repeat from message to message: remember their rule (bounded, cleared when full). */
const rules = new Map<string, Rule>();

function ruleFor(key: string): Rule {
  let rule = rules.get(key);
  if (rule !== undefined) return rule;
  const name = normalise(key);
  rule = Object.hasOwn(SECRET_FIELDS, name) ? SECRET : Object.hasOwn(SECRET_MAPS, name) ? ALL : NONE;
  if (rules.size >= 4096) rules.clear();
  rules.set(key, rule);
  return rule;
}

/** Every name that can make a field secret, normalised (for tests and documentation). */
export const SECRET_NAMES: readonly string[] = [...Object.keys(SECRET_FIELDS), ...Object.keys(SECRET_MAPS)];

/**
 * A quick look at the text before any scan: true when a key that may be secret can be in it. Every name
 * above ends with one of these words, followed by the key's closing quote and a colon; a key spelt with
 * \u escapes (which neither codex nor JSON.stringify writes for letters) also takes the scan. Also true
 * for `keyPath` (config writes, below). False for nearly every message a session sends.
 */
const MAY_BE_SECRET_KEY = /(?:token|key|keyid|keypath|authorization|cookie|passw(?:or)?d|secret|code|env|headers)"\s*:/i;

export function mayHoldSecret(json: string): boolean {
  // Two searches are faster than one regular expression with both (measured: about half the time).
  return MAY_BE_SECRET_KEY.test(json) || hasEscapedAscii(json);
}

/** A \u00XX escape of a printable ASCII character (0x20 to 0x7f); control characters such as \u001b do not count. */
function hasEscapedAscii(json: string): boolean {
  for (let at = json.indexOf('\\u00'); at !== -1; at = json.indexOf('\\u00', at + 4)) {
    const digit = json.charCodeAt(at + 4);
    if (digit >= 0x32 && digit <= 0x37) return true;
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const REDACTED_JSON = JSON.stringify(REDACTED);

interface Frame {
  isObject: boolean;
  /** Every string beneath is secret. */
  all: boolean;
  expectKey: boolean;
  key: string;
  /** config/value/write and config/batchWrite edits: {keyPath, value}; the value is secret when the path names a secret. */
  keyPathRule?: Rule;
  /** Where this object's "value" went in the output, when it came before its keyPath. */
  value?: TrackedValue;
}

/** Output parts [first, after) hold the value; after is -1 while an object or array value is still open. */
interface TrackedValue {
  first: number;
  after: number;
  isString: boolean;
}

/** Index just past the string token that starts at `start` (a quote). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote === -1) return text.length;
    let backslashes = 0;
    for (let j = quote - 1; text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

function decodeString(token: string): string {
  if (token.indexOf('\\') === -1) return token.slice(1, -1);
  try {
    return JSON.parse(token) as string;
  } catch {
    return token.slice(1, -1);
  }
}

/**
 * The JSON text with every secret string replaced; the same string when there is none. Expects valid JSON
 * (a line that was parsed, or JSON.stringify's output); on anything else it still replaces only whole
 * string tokens. `everything`: every string in the text is secret.
 */
export function redactJson(text: string, everything = false): string {
  const out: string[] = [];
  let copied = 0; // text before this index is in `out`
  const cut = (at: number) => {
    if (at > copied) out.push(text.slice(copied, at));
    copied = at;
  };
  const frames: Frame[] = [];
  let rule: Rule = everything ? ALL : NONE; // for the value about to start
  // An object whose "value" is about to start before its keyPath was seen: keep that value's output apart.
  let tracking: Frame | undefined;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const top = frames[frames.length - 1];
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (top?.isObject && top.expectKey) {
        top.expectKey = false;
        top.key = decodeString(text.slice(i, end));
        rule = top.all ? ALL : ruleFor(top.key);
        if (top.key === 'value' && rule === NONE) {
          if (top.keyPathRule === undefined) tracking = top;
          else rule = top.keyPathRule;
        }
        i = end;
        continue;
      }
      const tracked = tracking === top && top !== undefined;
      if (tracked) cut(i);
      const first = out.length;
      if (rule !== NONE) {
        cut(i);
        out.push(REDACTED_JSON);
        copied = end;
      }
      if (tracked) {
        cut(end);
        (top as Frame).value = { first, after: out.length, isString: true };
        tracking = undefined;
      }
      if (top?.isObject && top.key === 'keyPath') {
        top.keyPathRule = ruleFor(decodeString(text.slice(i, end)));
        if (top.value && top.keyPathRule !== NONE) replaceValue(out, top.value, top.keyPathRule);
      }
      rule = NONE;
      i = end;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (tracking === top && top !== undefined) {
        cut(i);
        top.value = { first: out.length, after: -1, isString: false };
        tracking = undefined;
      }
      const isObject = c === OPEN_OBJECT;
      // A secret name on an array makes its strings secret; on an object, the names inside decide.
      const all = Boolean(top?.all) || rule === ALL || (rule === SECRET && !isObject);
      frames.push({ isObject, all, expectKey: isObject, key: '' });
      rule = NONE;
      i++;
      continue;
    }
    if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (tracking === top) tracking = undefined;
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent?.value && parent.value.after === -1) {
        // The parent's tracked value (an object or array) ends here.
        cut(i + 1);
        parent.value.after = out.length;
        if (parent.keyPathRule !== undefined && parent.keyPathRule !== NONE) replaceValue(out, parent.value, parent.keyPathRule);
      }
      rule = NONE;
      i++;
      continue;
    }
    if (c === COMMA) {
      if (top?.isObject) top.expectKey = true;
      if (tracking === top) tracking = undefined; // the value was a number, a literal or null
      rule = NONE;
    }
    i++;
  }
  if (out.length === 0) return text;
  cut(n);
  return out.join('');
}

/** A value that came before its keyPath, now known to be secret: a string becomes "[redacted]", a map loses its strings. */
function replaceValue(out: string[], value: TrackedValue, rule: Rule): void {
  if (value.after < 0) return; // still open: replaced when it closes
  if (!value.isString && rule !== ALL) return; // an object under a secret name: the names inside decide
  const text = out.slice(value.first, value.after).join('');
  out[value.first] = value.isString ? REDACTED_JSON : redactJson(text, true);
  for (let k = value.first + 1; k < value.after; k++) out[k] = '';
}

/** A JSON value redacted the same way (for small values the client makes itself, such as a replayed answer). */
export function redactValue<T>(value: T): T {
  const text = JSON.stringify(value);
  if (text === undefined || !mayHoldSecret(text)) return value;
  return JSON.parse(redactJson(text)) as T;
}

/**
 * codex's command line with the values of secret `--config key=value` overrides replaced: a key that names
 * a secret (`model_providers.x.api_key=…`), and secret names inside an inline TOML table
 * (`model_providers.x={…, experimental_bearer_token="…"}`, `mcp_servers.x.env={TOKEN="…"}`).
 */
export function redactCommandLine(args: readonly string[]): string[] {
  return args.map((arg, index) => (index > 0 && (args[index - 1] === '--config' || args[index - 1] === '-c') ? redactOverride(arg) : arg));
}

/** One `key=value` override, redacted. */
export function redactOverride(override: string): string {
  const equals = override.indexOf('=');
  if (equals === -1) return override;
  const key = override.slice(0, equals).trim();
  const value = override.slice(equals + 1);
  const rule = ruleFor(key);
  if (rule === SECRET && !value.trimStart().startsWith('{')) return `${override.slice(0, equals + 1)}${REDACTED}`;
  return `${override.slice(0, equals + 1)}${redactToml(value, rule === ALL)}`;
}

/** Strings in an inline TOML value whose key names a secret (or that sit in a secret map) are replaced. */
function redactToml(value: string, everything: boolean): string {
  const frames: boolean[] = []; // per open table or array: every string beneath is secret
  let rule: Rule = everything ? ALL : NONE;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const c = value[i];
    if (c === '"' || c === "'") {
      let end = i + 1;
      while (end < value.length && value[end] !== c) end += c === '"' && value[end] === '\\' ? 2 : 1;
      end = Math.min(end + 1, value.length);
      const rest = value.slice(end).trimStart();
      if (rest.startsWith('=')) {
        // A quoted key.
        rule = frames[frames.length - 1] ? ALL : ruleFor(value.slice(i + 1, end - 1));
        out += value.slice(i, end);
      } else {
        out += rule !== NONE || frames[frames.length - 1] ? `${c}${REDACTED}${c}` : value.slice(i, end);
        rule = NONE;
      }
      i = end;
      continue;
    }
    const bare = /^[A-Za-z0-9_.-]+(?=\s*=)/.exec(value.slice(i));
    if (bare) {
      rule = frames[frames.length - 1] ? ALL : ruleFor(bare[0]);
      out += bare[0];
      i += bare[0].length;
      continue;
    }
    if (c === '{' || c === '[') {
      frames.push(Boolean(frames[frames.length - 1]) || rule === ALL || (rule === SECRET && c === '['));
      rule = NONE;
    } else if (c === '}' || c === ']') {
      frames.pop();
    } else if (c === ',') {
      rule = NONE;
    }
    out += c;
    i++;
  }
  return out;
}
