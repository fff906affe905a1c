// Appends every approval decision to a file as JSON Lines: what was asked, what was answered, when.
// Plain JavaScript, no imports from codex-dbg: a plugin can be just an object.
// codex-dbg --plugin ./plugins-examples/audit-log.mjs:file=approvals.jsonl --auto-approve
import { appendFileSync } from 'node:fs';

const APPROVALS = new Set([
  'item/commandExecution/requestApproval',
  'item/fileChange/requestApproval',
  'item/permissions/requestApproval',
  'execCommandApproval',
  'applyPatchApproval',
]);

export default function auditLog(options) {
  const file = String(options.file ?? 'codex-dbg-audit.jsonl');
  const asked = new Map();
  return {
    name: 'audit-log',
    description: 'append each approval and its answer to a JSON Lines file',
    options: { file: { type: 'string', default: 'codex-dbg-audit.jsonl', description: 'where to append' } },
    onMessage(entry) {
      const { message } = entry;
      if (entry.direction === 'in' && entry.kind === 'request' && APPROVALS.has(message.method)) {
        asked.set(message.id, message);
        return;
      }
      if (entry.direction === 'out' && asked.has(message.id)) {
        const request = asked.get(message.id);
        asked.delete(message.id);
        const line = { at: new Date().toISOString(), method: request.method, params: request.params, answer: message.result ?? { error: message.error } };
        appendFileSync(file, `${JSON.stringify(line)}\n`);
      }
    },
  };
}
