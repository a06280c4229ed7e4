// The flow builder's model (src/renderer/src/flowForm): form text in, a `protocol: "flow"`
// scenario out; the schema's issues (checkFlow's `phase.index.field`) on the step fields they
// name; the step list's edits (duplicate, move across phases, delete); the variables offered
// at each step. Pure: no DOM.
import { describe, expect, test } from 'vitest';
import {
  checkRow,
  defaultFlowForm,
  duplicateStep,
  extractionRow,
  flowFormFromScenario,
  flowFormToInput,
  moveStep,
  newStep,
  removeStep,
  serverErrorToFlowErrors,
  stepErrors,
  stepRowSummary,
  stepSummary,
  stepThresholdText,
  uniqueStepName,
  validateFlowForm,
  variablesAt,
  withThresholdLine,
  type FlowForm,
} from '../../src/renderer/src/flowForm/flowForm.ts';
import { parseThreshold } from '../../src/shared/thresholds.ts';
import { headerRow } from '../../src/renderer/src/scenarioForm/scenarioForm.ts';
import { parseScenario } from '../../src/shared/scenario.ts';

/** login → list → add to cart, as a user builds it by clicking. */
function shop(): FlowForm {
  const f = defaultFlowForm();
  f.name = 'shop';
  f.url = 'http://127.0.0.1:8080';
  const login = newStep('http');
  login.name = 'login';
  login.method = 'POST';
  login.url = '/login';
  login.body = '{"user":"{{user}}","password":"{{password}}"}';
  login.extract = [extractionRow('json', 'token', '$.token')];
  f.setup = [login];
  const items = newStep('http', ['login']);
  items.name = 'list items';
  items.url = '/items';
  items.headers = [headerRow('Authorization', 'Bearer {{token}}')];
  items.extract = [extractionRow('json', 'itemId', '$.items[0].id')];
  const cart = newStep('http', ['login', 'list items']);
  cart.name = 'add to cart';
  cart.method = 'POST';
  cart.url = '/cart';
  cart.headers = [headerRow('Authorization', 'Bearer {{token}}')];
  cart.body = '{"item":"{{itemId}}"}';
  cart.thinkMode = 'range';
  cart.thinkMs = '100';
  cart.thinkMaxMs = '300';
  f.steps = [items, cart];
  f.data = { assign: 'per-vu', rows: [{ user: 'u1', password: 'p1' }, { user: 'u2', password: 'p2' }] };
  f.loadModel = 'open';
  f.rate = '20';
  f.durationSec = '3';
  f.thresholds = 'p99 < 300ms';
  return f;
}

describe('flow form → scenario', () => {
  test('the shop flow built in the form is a valid flow scenario with every field in place', () => {
    const v = validateFlowForm(shop());
    expect(v.errors).toEqual({});
    expect(v.ok).toBe(true);
    const s = v.scenario!;
    expect(s).toMatchObject({ protocol: 'flow', url: 'http://127.0.0.1:8080', rate: 20, durationSec: 3, virtualUsers: 10, thresholds: ['p99 < 300ms'] });
    expect(s.setup[0]).toMatchObject({ type: 'http', name: 'login', method: 'POST', url: '/login', extract: [{ from: 'json', var: 'token', path: '$.token' }], checks: [{ type: 'status', status: '2xx' }] });
    expect(s.steps[1]).toMatchObject({ name: 'add to cart', headers: { Authorization: 'Bearer {{token}}' }, thinkMs: 100, thinkMaxMs: 300 });
    expect(s.data?.rows).toHaveLength(2);
  });

  test('a saved flow opens in the form and saves back unchanged (round trip), fields the form does not edit kept', () => {
    const first = validateFlowForm(shop()).scenario!;
    const withExtra = { ...first, maxResponseBytes: 4096 };
    const again = validateFlowForm(flowFormFromScenario('shop', withExtra));
    expect(again.errors).toEqual({});
    expect(again.scenario).toEqual({ ...withExtra, name: 'shop' });
  });

  test('WebSocket steps: connect, send with an id-matched expect and 4 in flight, await, close', () => {
    const f = defaultFlowForm();
    f.name = 'rpc';
    f.url = 'http://127.0.0.1:8080';
    const connect = newStep('ws-connect');
    const send = newStep('ws-send');
    send.count = '100';
    send.inFlight = '4';
    const close = newStep('ws-close');
    f.steps = [connect, send, close];
    const v = validateFlowForm(f);
    expect(v.errors).toEqual({});
    expect(v.scenario!.steps[1]).toMatchObject({ type: 'ws-send', count: 100, inFlight: 4, expect: { match: { path: '$.id' }, timeoutMs: 10_000 } });
    // And back: the match mode and fields come back as they were.
    const back = flowFormFromScenario('rpc', v.scenario!).steps[1];
    expect([back.matchMode, back.matchPath, back.inFlight, back.count]).toEqual(['path', '$.id', '4', '100']);
  });

  test('the open model sends the rate; closed does not; stages ramp virtual users or the rate', () => {
    const f = shop();
    f.loadModel = 'closed';
    expect(flowFormToInput(f).rate).toBeUndefined();
    f.lengthMode = 'stages';
    f.stages = [{ id: 1, durationSec: '2', target: '5' }];
    expect(flowFormToInput(f)).toMatchObject({ stages: [{ durationSec: 2, target: 5 }], stageTarget: 'virtualUsers' });
    f.loadModel = 'open';
    const open = flowFormToInput(f);
    expect([open.stageTarget, open.rate, open.durationSec]).toEqual(['rate', undefined, undefined]);
    expect(validateFlowForm(f).errors).toEqual({});
  });
});

describe('errors at the field', () => {
  test('a variable used before any step extracts it is named at that step field (phase.index.field)', () => {
    const f = shop();
    // Move the token's use before login: the list step into setup, ahead of login.
    f.setup[0].extract = [];
    const v = validateFlowForm(f);
    expect(v.ok).toBe(false);
    expect(v.errors['steps.0.headers.' + f.steps[0].headers[0].id]).toMatch(/\{\{token\}\}, which no earlier step extracts/);
    expect(stepErrors(v.errors, 'steps', 1)['headers.' + f.steps[1].headers[0].id]).toMatch(/token/);
  });

  test('a duplicate step name, a bad JSON path, a bad status rule and an inverted think range each land on their field', () => {
    const f = shop();
    f.steps[1].name = 'list items';
    f.steps[0].extract[0].path = 'items[0].id';
    f.setup[0].checks = [checkRow('status', '2x')];
    f.steps[1].thinkMaxMs = '50';
    const e = validateFlowForm(f).errors;
    expect(e['steps.1.name']).toMatch(/also the name of steps\[0\]/);
    expect(e['steps.0.extract.0.path']).toMatch(/Must start with \$/);
    expect(e['setup.0.checks.0.status']).toMatch(/Must be a status/);
    // The extraction being broken, checkFlow did not run yet; fixing it shows the range rule.
    f.steps[0].extract[0].path = '$.items[0].id';
    f.setup[0].checks[0].status = '2xx';
    f.steps[1].name = 'add to cart';
    expect(validateFlowForm(f).errors).toEqual({ 'steps.1.thinkMaxMs': 'Must not be less than thinkMs' });
  });

  test('a bad number in the load settings does not hide a step rule (set aside and parsed again)', () => {
    const f = shop();
    f.virtualUsers = 'many';
    f.steps[1].headers[0].value = 'Bearer {{tokn}}';
    const e = validateFlowForm(f).errors;
    expect(e.virtualUsers).toBe('Must be a number');
    expect(e['steps.1.headers.' + f.steps[1].headers[0].id]).toMatch(/\{\{tokn\}\}/);
  });

  test('a ws-send before any ws-connect, a name missing, the rate missing in the open model', () => {
    const f = shop();
    f.name = '';
    f.rate = '';
    f.steps = [...f.steps, newStep('ws-send', ['login', 'list items', 'add to cart'])];
    const e = validateFlowForm(f).errors;
    expect(e.name).toBe('A flow needs a name');
    expect(e.rate).toMatch(/Is required in the open model/);
    expect(e['steps.2.type']).toMatch(/needs an open WebSocket/);
  });

  test('server errors (config.steps.0.url: …) go back to their fields', () => {
    const f = shop();
    const e = serverErrorToFlowErrors('config.steps.0.url: is required\nname: a scenario called "shop" already exists\nsomething else', f);
    expect(e).toEqual({ 'steps.0.url': 'Is required', name: 'A scenario called "shop" already exists', form: 'something else' });
  });
});

describe('the step list', () => {
  test('duplicate inserts a copy after the step, with its own name and ids', () => {
    const f = shop();
    const copy = duplicateStep(f, 'steps', 0);
    expect(f.steps.map((s) => s.name)).toEqual(['list items', 'list items copy', 'add to cart']);
    expect(copy.id).not.toBe(f.steps[0].id);
    expect(copy.extract[0].id).not.toBe(f.steps[0].extract[0].id);
    copy.extract[0].var = 'other';
    expect(f.steps[0].extract[0].var).toBe('itemId');
    duplicateStep(f, 'steps', 0);
    expect(f.steps[1].name).toBe('list items copy 2');
  });

  test('moving past a phase edge crosses into the next phase; the ends do not move', () => {
    const f = shop();
    expect(moveStep(f, 'setup', 0, -1)).toBeNull();
    expect(moveStep(f, 'steps', 0, 1)).toEqual({ phase: 'steps', index: 1 });
    expect(f.steps.map((s) => s.name)).toEqual(['add to cart', 'list items']);
    expect(moveStep(f, 'steps', 1, 1)).toEqual({ phase: 'teardown', index: 0 });
    expect(f.teardown.map((s) => s.name)).toEqual(['list items']);
    expect(moveStep(f, 'teardown', 0, 1)).toBeNull();
    expect(moveStep(f, 'steps', 0, -1)).toEqual({ phase: 'setup', index: 1 });
    expect(f.setup.map((s) => s.name)).toEqual(['login', 'add to cart']);
    removeStep(f, 'setup', 1);
    expect(f.setup.map((s) => s.name)).toEqual(['login']);
  });

  test('new steps get names of their own; summaries read as a list', () => {
    expect(uniqueStepName('request', ['request', 'request 2'])).toBe('request 3');
    expect(newStep('http', ['request']).name).toBe('request 2');
    const f = shop();
    expect(stepSummary(f.setup[0])).toBe('POST /login');
    const send = newStep('ws-send');
    send.count = '4';
    send.inFlight = '4';
    expect(stepSummary(send)).toBe('send 4 messages, await answers (4 in flight)');
  });

  test('a step row shows its summary beside the name only when the name does not already say it', () => {
    const f = shop();
    // A step named by hand: name and summary both show.
    expect(f.setup[0].name).toBe('login');
    expect(stepRowSummary(f.setup[0])).toBe('POST /login');
    // An imported step is named after its request: "POST /login" once, not "POST /login POST /login".
    const imported = { ...f.setup[0], name: 'POST /login' };
    expect(stepSummary(imported)).toBe('POST /login');
    expect(stepRowSummary(imported)).toBe('');
    expect(stepRowSummary({ ...imported, name: ' POST /login ' })).toBe('');
    // Sent somewhere else than its name says (an absolute URL kept): the summary tells where.
    expect(stepRowSummary({ ...imported, url: 'https://shop.example.test/login' })).toBe('POST https://shop.example.test/login');
    const close = newStep('ws-close');
    expect(stepRowSummary(close)).toBe('close the WebSocket');
    expect(stepRowSummary({ ...close, name: 'close the WebSocket' })).toBe('');
  });
});

describe('variables offered', () => {
  test('at each step: earlier extractions (setup before the iteration), data columns, then built-ins', () => {
    const f = shop();
    const names = (phase: 'setup' | 'steps' | 'teardown', i: number) => variablesAt(f, phase, i).map((v) => v.name);
    expect(names('setup', 0).slice(0, 3)).toEqual(['user', 'password', 'vu']);
    expect(names('steps', 0).slice(0, 3)).toEqual(['token', 'user', 'password']);
    expect(names('steps', 1).slice(0, 2)).toEqual(['token', 'itemId']);
    const token = variablesAt(f, 'steps', 1)[0];
    expect(token).toEqual({ name: 'token', insert: '{{token}}', source: 'extracted by “login”' });
    expect(variablesAt(f, 'steps', 1).find((v) => v.name === 'randomInt')?.insert).toBe('{{randomInt 1 100}}');
    // What the builder offers, the schema accepts: every offered variable used at that step validates.
    const g = shop();
    g.steps[1].body = variablesAt(g, 'steps', 1).map((v) => v.insert).join(' ');
    g.steps[1].bodyType = 'text';
    expect(validateFlowForm(g).errors).toEqual({});
    expect(parseScenario(validateFlowForm(g).scenario).ok).toBe(true);
  });
});

describe('step thresholds picked in the builder', () => {
  test('writes what the threshold parser reads, quoting a step name with spaces', () => {
    expect(stepThresholdText('p99', 'login', '<', '300')).toBe('p99{step:login} < 300ms');
    expect(stepThresholdText('errors', 'add to cart', '<', ' 1 ')).toBe('errors{step:"add to cart"} < 1%');
    expect(stepThresholdText('checks', 'list items', '>', '99')).toBe('checks{step:"list items"} > 99%');
    expect(stepThresholdText('rps', 'login', '>=', '50')).toBe('rps{step:login} >= 50');
    expect(parseThreshold(stepThresholdText('p99', 'login', '<', '300'))).toMatchObject({ metric: 'p99', step: 'login' });
    expect(parseThreshold(stepThresholdText('errors', 'add to cart', '<', '1'))).toMatchObject({ metric: 'errors', step: 'add to cart' });
    expect(withThresholdLine('', 'p99{step:login} < 300ms')).toBe('p99{step:login} < 300ms');
    expect(withThresholdLine('p99 < 1s\n\n', 'p99{step:login} < 300ms')).toBe('p99 < 1s\np99{step:login} < 300ms');
    expect(withThresholdLine('p99{step:login} < 300ms', 'p99{step:login} < 300ms')).toBe('p99{step:login} < 300ms');
  });
});
