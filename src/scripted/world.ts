// Everything codex needs to run offline against a script: the scripted model, a throwaway CODEX_HOME
// (with a fake ChatGPT login when the script asks for it), and the -c overrides and environment that
// point codex at them. Used by --scripted-model, demo and the end-to-end tests; removed by dispose().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usageError } from '../core/errors.ts';
import { readJsonFile } from '../util/json-file.ts';
import { codexOverrides, parseScript, startScriptedModel, writeChatgptAuth, type Script, type ScriptedModel } from './model.ts';

export interface ScriptedWorld {
  model: ScriptedModel;
  /** The throwaway CODEX_HOME. */
  home: string;
  overrides: string[];
  env: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

export function readScriptFile(path: string): Script {
  return parseScript(readJsonFile(path, `--scripted-model ${path}`), `--scripted-model ${path}`);
}

export async function startScriptedWorld(script: Script): Promise<ScriptedWorld> {
  const model = await startScriptedModel(script);
  const home = mkdtempSync(join(tmpdir(), 'codex-dbg-home-'));
  if (script.chatgpt) writeChatgptAuth(home);
  return {
    model,
    home,
    overrides: codexOverrides(model.url, { chatgpt: script.chatgpt }),
    // The key is never checked by the scripted model; codex only needs one to be set in API-key mode.
    env: { ...process.env, CODEX_HOME: home, MOCK_API_KEY: 'scripted-model' },
    async dispose() {
      await model.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
