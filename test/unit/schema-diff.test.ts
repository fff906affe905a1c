// schema diff on two small bundles written to show each kind of change.
import { describe, expect, test } from 'vitest';
import type { JsonSchema, SchemaBundle } from '../../src/codex/protocol-schema.ts';
import { changeText, diffSchemas, typeText } from '../../src/codex/schema-diff.ts';

const request = (method: string, params: JsonSchema | undefined, required = true): JsonSchema => ({
  properties: { id: {}, method: { enum: [method] }, ...(params ? { params } : {}) },
  required: required ? ['id', 'method', 'params'] : ['id', 'method'],
});

const before: SchemaBundle = {
  definitions: {
    ClientRequest: {
      oneOf: [
        request('thread/start', { $ref: '#/definitions/v2/ThreadStartParams' }),
        request('thread/old', { $ref: '#/definitions/v2/OldParams' }),
        request('account/read', { anyOf: [{ $ref: '#/definitions/v2/AccountReadParams' }, { type: 'null' }] }, false),
      ],
    },
    ServerNotification: { oneOf: [{ properties: { method: { enum: ['turn/started'] }, params: {} }, required: ['method', 'params'] }] },
    v2: {
      ThreadStartParams: { properties: { cwd: { type: ['string', 'null'] }, model: { type: 'string' }, gone: { type: 'boolean' } }, required: ['model'] },
      OldParams: {},
      AccountReadParams: {},
      SandboxMode: { enum: ['read-only', 'workspace-write', 'danger-full-access'], type: 'string' },
      ThreadItem: {
        oneOf: [
          { properties: { type: { enum: ['agentMessage'] }, text: { type: 'string' } }, required: ['type', 'text'] },
          { properties: { type: { enum: ['plan'] }, text: { type: 'string' } }, required: ['type'] },
        ],
      },
    },
  },
};

const after: SchemaBundle = {
  definitions: {
    ClientRequest: {
      oneOf: [
        request('thread/start', { $ref: '#/definitions/v2/ThreadStartParams' }),
        request('thread/goal/set', { $ref: '#/definitions/v2/ThreadGoalSetParams' }),
        request('account/read', { $ref: '#/definitions/v2/AccountReadParams' }),
      ],
    },
    ServerNotification: {
      oneOf: [
        { properties: { method: { enum: ['turn/started'] }, params: {} }, required: ['method', 'params'] },
        { properties: { method: { enum: ['thread/goal/updated'] }, params: {} }, required: ['method', 'params'] },
      ],
    },
    v2: {
      ThreadStartParams: {
        properties: { cwd: { type: ['string', 'null'] }, model: { type: ['string', 'null'] }, ephemeral: { type: 'boolean' } },
        required: ['cwd'],
      },
      ThreadGoalSetParams: {},
      AccountReadParams: {},
      SandboxMode: { enum: ['read-only', 'workspace-write', 'external'], type: 'string' },
      ThreadItem: {
        oneOf: [
          { properties: { type: { enum: ['agentMessage'] }, text: { type: 'string' }, phase: { $ref: '#/definitions/v2/MessagePhase' } }, required: ['type', 'text'] },
          { properties: { type: { enum: ['imageView'] }, path: { type: 'string' } }, required: ['type'] },
        ],
      },
      MessagePhase: { enum: ['commentary', 'final'], type: 'string' },
    },
  },
};

describe('diffSchemas', () => {
  test('every kind of change, methods first, then types by name', () => {
    expect(diffSchemas(before, after).map(changeText)).toEqual([
      '+ client request thread/goal/set',
      '~ client request account/read: params optional → required',
      '- client request thread/old',
      '+ server notification thread/goal/updated',
      '+ type MessagePhase',
      '- type OldParams',
      '+ value SandboxMode: "external"',
      '- value SandboxMode: "danger-full-access"',
      '+ type ThreadGoalSetParams',
      '+ field ThreadItem[agentMessage].phase (MessagePhase)',
      '+ variant ThreadItem: "imageView"',
      '- variant ThreadItem: "plan"',
      '~ field ThreadStartParams.cwd: now required',
      '~ field ThreadStartParams.model: now optional',
      '~ field ThreadStartParams.model: string → string | null',
      '+ field ThreadStartParams.ephemeral (boolean)',
      '- field ThreadStartParams.gone',
    ]);
  });

  test('nothing changed: nothing listed', () => {
    expect(diffSchemas(after, structuredClone(after))).toEqual([]);
  });

  test('typeText', () => {
    expect(typeText({ anyOf: [{ $ref: '#/definitions/v2/Turn' }, { type: 'null' }] })).toBe('Turn | null');
    expect(typeText({ type: 'array', items: { $ref: '#/definitions/v2/ThreadItem' } })).toBe('ThreadItem[]');
    expect(typeText({ type: ['array', 'null'], items: { type: ['string', 'null'] } })).toBe('(string | null)[] | null');
    expect(typeText({ enum: ['a', 'b'] })).toBe('"a" | "b"');
    expect(typeText(true)).toBe('any');
  });
});
