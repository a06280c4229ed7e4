import { describe, expect, it } from 'vitest';
import { parseScenario, type FlowScenario } from '../../src/shared/scenario.ts';
import { scanTemplate } from '../../src/shared/flowSteps.ts';

const login = {
  type: 'http',
  name: 'login',
  method: 'POST',
  url: '/login',
  body: '{"user":"{{username}}","password":"{{password}}"}',
  bodyType: 'json',
  extract: [{ from: 'json', var: 'token', path: '$.token' }],
  checks: [{ type: 'status', status: '200' }],
};
const list = { type: 'http', name: 'list', url: '/items', headers: { Authorization: 'Bearer {{token}}' }, checks: [{ type: 'status', status: '2xx' }] };
const data = { assign: 'per-vu', rows: [{ username: 'u1', password: 'p1' }, { username: 'u2', password: 'p2' }] };

function flow(extra: Record<string, unknown>) {
  return { protocol: 'flow', url: 'http://127.0.0.1:8080', durationSec: 5, data, setup: [login], steps: [list], ...extra };
}

function errorOf(input: unknown): string {
  const parsed = parseScenario(input);
  return parsed.ok ? '' : parsed.error;
}

describe('flow scenario schema', () => {
  it('parses a login → list flow with defaults filled in', () => {
    const parsed = parseScenario(flow({}));
    if (!parsed.ok) throw new Error(parsed.error);
    const f = parsed.value as FlowScenario;
    expect(f.flowVersion).toBe(1);
    expect(f.virtualUsers).toBe(10);
    expect(f.teardown).toEqual([]);
    expect(f.setup[0]).toMatchObject({ type: 'http', onFailure: 'abandon', method: 'POST' });
    expect(f.steps[0]).toMatchObject({ method: 'GET', extract: [], bodyType: 'text' });
  });

  it('refuses a variable no earlier step defines, naming the phase, step and field', () => {
    expect(errorOf(flow({ setup: [], steps: [list] }))).toBe(
      'steps.0.headers.Authorization: uses {{token}}, which no earlier step extracts and no data column or built-in provides (steps[0] "list")',
    );
    // Extracted by a later step is still too late.
    expect(errorOf(flow({ setup: [], steps: [list, login] }))).toMatch(/^steps\.0\.headers\.Authorization: uses \{\{token\}\}/);
  });

  it('knows data columns and built-ins, and checks template syntax', () => {
    expect(errorOf(flow({ steps: [{ type: 'http', name: 'x', url: '/i/{{vu}}/{{iteration}}/{{randomInt 1 9}}/{{uuid}}/{{now}}' }] }))).toBe('');
    expect(errorOf(flow({ steps: [{ type: 'http', name: 'x', url: '/i/{{randomInt 9 1}}' }] }))).toMatch(/steps\.0\.url: .*first number must not exceed/);
    expect(errorOf(flow({ steps: [{ type: 'http', name: 'x', url: '/i/{{vu 3}}' }] }))).toMatch(/only randomInt takes arguments/);
    expect(errorOf(flow({ steps: [{ type: 'http', name: 'x', url: '/i/{{token' }] }))).toMatch(/steps\.0\.url: has a "\{\{" that is never closed/);
    expect(scanTemplate('a{{ x }}b{{randomInt 1 2}}').references.map((r) => r.name)).toEqual(['x', 'randomInt']);
  });

  it('refuses WebSocket steps without a connection, and a second connect', () => {
    const send = { type: 'ws-send', name: 'call', message: '{"id":{{seq}}}', expect: { match: { path: '$.id' } } };
    expect(errorOf(flow({ steps: [send] }))).toBe('steps.0.type: ws-send needs an open WebSocket: add a ws-connect step before it');
    const connect = { type: 'ws-connect', name: 'open', url: '/ws/rpc', headers: { Authorization: 'Bearer {{token}}' } };
    expect(errorOf(flow({ setup: [login, connect], steps: [send] }))).toBe('');
    expect(errorOf(flow({ setup: [login, connect], steps: [{ ...connect, name: 'again' }] }))).toMatch(/steps\.0\.type: the WebSocket is already open/);
    expect(errorOf(flow({ setup: [login, connect], steps: [{ type: 'ws-send', name: 'fire', message: 'x', inFlight: 4 }] }))).toMatch(/steps\.0\.inFlight: needs "expect"/);
  });

  it('refuses duplicate step names, a malformed data row and unknown fields by name', () => {
    expect(errorOf(flow({ steps: [list, { ...list }] }))).toMatch(/steps\.1\.name: "list" is also the name of steps\[0\]/);
    expect(errorOf(flow({ data: { rows: [{ username: 'a', password: 'b' }, { username: 'c' }] } }))).toBe(
      'data.rows.1: has columns username; the first row has username, password',
    );
    expect(errorOf(flow({ steps: [{ ...list, thinkMS: 100 }] }))).toMatch(/steps\.0: unknown field "thinkMS" \(did you mean "thinkMs"\?\)/);
    expect(errorOf(flow({ virtualUser: 5 }))).toMatch(/unknown field "virtualUser" \(did you mean "virtualUsers"\?\)/);
  });

  it('checks extraction and check shapes', () => {
    expect(errorOf(flow({ steps: [{ ...list, checks: [{ type: 'status', status: '2x' }] }] }))).toMatch(/steps\.0\.checks\.0\.status: must be a status/);
    expect(errorOf(flow({ steps: [{ ...list, extract: [{ from: 'regex', var: 'id', pattern: '(' }] }] }))).toMatch(/steps\.0\.extract\.0\.pattern: is not a valid regular expression/);
    expect(errorOf(flow({ steps: [{ ...list, extract: [{ from: 'json', var: 'vu', path: '$.id' }] }] }))).toMatch(/steps\.0\.extract\.0\.var: is a built-in variable/);
    expect(errorOf(flow({ steps: [{ ...list, thinkMs: 500, thinkMaxMs: 100 }] }))).toMatch(/steps\.0\.thinkMaxMs: must not be less than thinkMs/);
  });

  it('ramps virtual users or the iteration rate with stages', () => {
    const ramp = parseScenario(flow({ durationSec: undefined, stages: [{ durationSec: 5, target: 20 }], stageTarget: 'virtualUsers' }));
    expect(ramp.ok ? '' : ramp.error).toBe('');
    expect(errorOf(flow({ durationSec: undefined, stages: [{ durationSec: 5, target: 20 }], stageTarget: 'connections' }))).toMatch(/stageTarget: must be "virtualUsers" or "rate"/);
  });
});
