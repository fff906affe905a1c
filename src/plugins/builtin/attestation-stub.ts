// Advertises requestAttestation and answers attestation/generate at once with a fixed, obviously fake
// token. The server forwards it as x-oai-attestation {"v":1,"s":0,"t":<token>}; it waits only ~100 ms.
import { definePlugin } from '../contract.ts';

export const FAKE_ATTESTATION_TOKEN = 'v1.codex-dbg-fake-attestation';

export default definePlugin({
  name: 'attestation-stub',
  description: 'answer attestation/generate with a fake token (sent only in ChatGPT auth mode)',
  options: {
    token: { type: 'string', default: FAKE_ATTESTATION_TOKEN, description: 'the token to answer with' },
    quiet: { type: 'boolean', default: false, description: 'do not log each request' },
  },
  capabilities: { requestAttestation: true },
  handlers: {
    'attestation/generate': (_params, ctx) => {
      if (!ctx.options.quiet) ctx.log(`attestation/generate #${String(ctx.requestId)} answered with the stub token`);
      return { token: String(ctx.options.token) };
    },
  },
});
