// Rules from a JSON file: allow or deny commands by pattern and file changes by path glob. The first rule
// that matches decides; what no rule matches passes to the next plugin. The file is checked at start-up.
//   { "commands": [{ "match": "rm *", "decision": "deny" }, { "match": "/^ls\\b/", "decision": "allow" }],
//     "files":    [{ "path": "**/.env", "decision": "deny" }, { "path": "src/**", "decision": "allow" }] }
import { isAbsolute, relative } from 'node:path';
import * as v from 'valibot';
import { DbgError } from '../../core/errors.ts';
import { describeIssues } from '../../core/messages.ts';
import { definePlugin, type OptionValue, type Plugin } from '../contract.ts';
import { readJsonFile } from '../../util/json-file.ts';
import { compilePattern } from './glob.ts';

const Decision = v.picklist(['allow', 'deny']);
const PolicyFile = v.strictObject({
  commands: v.optional(v.array(v.strictObject({ match: v.string(), decision: Decision, reason: v.optional(v.string()) })), []),
  files: v.optional(v.array(v.strictObject({ path: v.string(), decision: Decision, reason: v.optional(v.string()) })), []),
});

interface Rule {
  test: RegExp;
  source: string;
  decision: 'allow' | 'deny';
}

export interface Policy {
  command(command: string): Rule | undefined;
  /** undefined when no rule matched every path; a single deny anywhere decides. */
  files(paths: string[]): Rule | undefined;
}

export function loadPolicy(file: string): Policy {
  const parsed = v.safeParse(PolicyFile, readJsonFile(file, `plugin "policy": cannot read ${file}`, 'E_PLUGIN'));
  if (!parsed.success) throw new DbgError('E_PLUGIN', `plugin "policy": ${file}: ${describeIssues(parsed.issues)}`);
  const commands = parsed.output.commands.map((r) => ({ test: compilePattern(r.match, { pathLike: false }), source: r.match, decision: r.decision }));
  const files = parsed.output.files.map((r) => ({ test: compilePattern(r.path, { pathLike: true }), source: r.path, decision: r.decision }));
  const fileRule = (path: string) => {
    const forms = isAbsolute(path) ? [path, relative(process.cwd(), path)] : [path];
    return files.find((rule) => forms.some((form) => rule.test.test(form)));
  };
  return {
    command: (command) => commands.find((rule) => rule.test.test(command)),
    files: (paths) => {
      const rules = paths.map(fileRule);
      const denied = rules.find((rule) => rule?.decision === 'deny');
      if (denied) return denied;
      return rules.length > 0 && rules.every((rule) => rule !== undefined) ? rules[0] : undefined;
    },
  };
}

export default function createPolicy(options: Record<string, OptionValue>): Plugin {
  const policy = typeof options.file === 'string' ? loadPolicy(options.file) : undefined;
  const say = (what: string, rule: Rule) => `${rule.decision === 'allow' ? 'allowed' : 'denied'} ${what} (rule "${rule.source}")`;
  return definePlugin({
    name: 'policy',
    description: 'allow or deny commands and file changes by the rules in a JSON file',
    options: { file: { type: 'string', required: true, description: 'the rules file (JSON)' } },
    handlers: {
      'item/commandExecution/requestApproval': (params, ctx) => {
        const rule = policy?.command(params.command ?? '');
        if (!rule) return undefined;
        ctx.log(say(params.command ?? '', rule));
        return { decision: rule.decision === 'allow' ? 'accept' : 'decline' };
      },
      'item/fileChange/requestApproval': (params, ctx) => {
        const changes = (ctx.item(params.itemId)?.changes as { path: string }[] | undefined) ?? [];
        const rule = policy?.files(changes.map((change) => change.path));
        if (!rule) return undefined;
        ctx.log(say(changes.map((change) => change.path).join(', '), rule));
        return { decision: rule.decision === 'allow' ? 'accept' : 'decline' };
      },
      execCommandApproval: (params, ctx) => {
        const command = params.command.join(' ');
        const rule = policy?.command(command);
        if (!rule) return undefined;
        ctx.log(say(command, rule));
        return { decision: rule.decision === 'allow' ? 'approved' : { denied: { rejection: `denied by policy rule "${rule.source}"` } } };
      },
    },
  });
}
