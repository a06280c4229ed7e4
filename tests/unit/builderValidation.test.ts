// The scenario builder's validation, at the component's model level (src/renderer/src/
// scenarioForm): form text in, scenario input out, and each problem on the field it is about,
// in words. The same schema the main process applies, so what the form accepts, saves.
import { describe, expect, test } from 'vitest';
import {
  defaultForm,
  formFromScenario,
  formToInput,
  headerRow,
  serverErrorToFieldErrors,
  validateForm,
  type ScenarioForm,
} from '../../src/renderer/src/scenarioForm/scenarioForm.ts';
import { concurrencyOf, parseScenario, type HttpScenario, type Scenario, type WsScenario } from '../../src/shared/scenario.ts';

/** The form edits single-request scenarios only. */
function singleRequest(s: Scenario): HttpScenario | WsScenario {
  if (s.protocol === 'flow') throw new Error('expected a single-request scenario');
  return s;
}

const http = (patch: Partial<ScenarioForm> = {}): ScenarioForm => ({ ...defaultForm('http'), name: 'api', url: 'http://127.0.0.1:8080/', ...patch });
const ws = (patch: Partial<ScenarioForm> = {}): ScenarioForm => ({ ...defaultForm('ws'), name: 'socket', url: 'ws://127.0.0.1:8080/ws/echo', ...patch });

describe('builder validation', () => {
  test('the defaults with a name and URL make a valid scenario, for both protocols', () => {
    const h = validateForm(http());
    expect(h.ok).toBe(true);
    expect(h.errors).toEqual({});
    expect(h.scenario).toMatchObject({ protocol: 'http', url: 'http://127.0.0.1:8080/', method: 'GET', connections: 10, durationSec: 10 });
    const w = validateForm(ws());
    expect(w.ok).toBe(true);
    expect(w.scenario).toMatchObject({ protocol: 'ws', mode: 'echo', connections: 10, inFlight: 1 });
  });

  test('a name is required, and an empty URL says so at the URL', () => {
    const v = validateForm(http({ name: '  ', url: '' }));
    expect(v.ok).toBe(false);
    expect(v.errors.name).toBe('A scenario needs a name');
    expect(v.errors.url).toBe('Is required');
  });

  test('the URL scheme must match the protocol', () => {
    expect(validateForm(http({ url: 'ws://h/' })).errors.url).toMatch(/^Scheme ws does not match protocol http \(use http or https\)/);
    expect(validateForm(ws({ url: 'https://h/' })).errors.url).toMatch(/^Scheme https does not match protocol ws/);
    expect(validateForm(http({ url: 'not a url' })).errors.url).toMatch(/is not a valid URL/);
  });

  test('numbers as typed: not a number, out of range, blank means the default', () => {
    expect(validateForm(http({ connections: 'ten' })).errors.connections).toBe('Must be a number');
    expect(validateForm(http({ connections: '0' })).errors.connections).toBe('Must be at least 1');
    expect(validateForm(http({ connections: '2.5' })).errors.connections).toBe('Must be a whole number');
    expect(validateForm(http({ connections: '60000' })).errors.connections).toMatch(/^Must be at most 50,000/);
    expect(validateForm(http({ durationSec: '-1' })).errors.durationSec).toBe('Must be greater than 0');
    expect(validateForm(http({ timeoutSec: '0.5' })).errors.timeoutSec).toMatch(/at least 1 second/);
    expect(concurrencyOf(validateForm(http({ connections: '' })).scenario!)).toBe(10);
    expect(concurrencyOf(validateForm(http({ connections: '1_000' })).scenario!)).toBe(1000);
  });

  test('several bad fields are reported together, cross-field rules included', () => {
    // A bad number must not hide the URL scheme or the JSON body problem (refinements).
    const v = validateForm(http({ url: 'ws://h/', connections: 'x', body: '{"a":', bodyType: 'json' }));
    expect(Object.keys(v.errors).sort()).toEqual(['body', 'connections', 'url']);
    expect(v.errors.body).toMatch(/^Is not valid JSON/);
  });

  test('JSON bodies are checked, text bodies are not', () => {
    expect(validateForm(http({ method: 'POST', body: '{"a":1}', bodyType: 'json' })).ok).toBe(true);
    expect(validateForm(http({ method: 'POST', body: '{"a":', bodyType: 'text' })).ok).toBe(true);
  });

  test('the open model needs a rate and sends no pipelining; the closed model sends no rate', () => {
    expect(validateForm(http({ loadModel: 'open', rate: '' })).errors.rate).toMatch(/required in the open model/);
    const open = validateForm(http({ loadModel: 'open', rate: '500', pipelining: '4' }));
    expect(open.ok).toBe(true);
    expect(open.scenario).toMatchObject({ rate: 500, pipelining: 1 });
    expect(validateForm(http({ loadModel: 'closed', rate: '500' })).scenario?.rate).toBeUndefined();
  });

  test('duration or amount, never both, and the chosen one is required', () => {
    const byAmount = validateForm(http({ lengthMode: 'amount', amount: '5000', durationSec: '30' }));
    expect(byAmount.scenario).toMatchObject({ amount: 5000 });
    expect(byAmount.scenario?.durationSec).toBeUndefined();
    expect(validateForm(http({ lengthMode: 'amount', amount: '' })).errors.amount).toMatch(/Is required/);
    expect(validateForm(http({ durationSec: '' })).errors.durationSec).toMatch(/Is required/);
  });

  test('headers: empty rows are ignored; bad names, missing names and duplicates land on their row', () => {
    const ok = http({ headers: [headerRow('Authorization', 'Bearer x'), headerRow('', '')] });
    expect(validateForm(ok).scenario?.headers).toEqual({ Authorization: 'Bearer x' });
    const bad = headerRow('Bad Header', 'v');
    expect(validateForm(http({ headers: [bad] })).errors[`headers.${bad.id}`]).toMatch(/is not a valid header name/);
    const nameless = headerRow('', 'value');
    expect(validateForm(http({ headers: [nameless] })).errors[`headers.${nameless.id}`]).toBe('Header name is missing');
    const a = headerRow('X-A', '1');
    const b = headerRow('x-a', '2');
    expect(validateForm(http({ headers: [a, b] })).errors[`headers.${b.id}`]).toMatch(/set twice/);
  });

  test('expected status codes are a list of codes', () => {
    expect(validateForm(http({ expectedStatus: '200, 204' })).scenario).toMatchObject({ expectedStatus: [200, 204] });
    expect(validateForm(http({ expectedStatus: '200, 2xx' })).errors.expectedStatus).toMatch(/"2xx" is not a status code/);
  });

  test('WebSocket: {{seq}} is required in echo and rate modes, a rate only in rate mode', () => {
    expect(validateForm(ws({ message: 'hello' })).errors.message).toMatch(/must contain \{\{seq\}\}/i);
    expect(validateForm(ws({ mode: 'push', message: 'hello' })).ok).toBe(true);
    expect(validateForm(ws({ mode: 'rate', rate: '' })).errors.rate).toMatch(/required in rate mode/);
    expect(validateForm(ws({ mode: 'rate', rate: '200' })).scenario).toMatchObject({ mode: 'rate', rate: 200 });
    // A rate typed in echo mode is not sent (the field is hidden there).
    expect(validateForm(ws({ mode: 'echo', rate: '200' })).scenario?.rate).toBeUndefined();
    expect(validateForm(ws({ inFlight: '0' })).errors.inFlight).toBe('Must be at least 1');
    expect(validateForm(ws({ subprotocols: 'chat, v2' })).scenario).toMatchObject({ subprotocols: ['chat', 'v2'] });
  });

  test('a saved scenario round-trips through the form unchanged', () => {
    const inputs = [
      { protocol: 'http', url: 'https://api.test/items', method: 'PUT', body: '{"x":1}', bodyType: 'json', headers: { 'X-Key': 'k' }, connections: 32, rate: 2000, amount: 100000, timeoutSec: 5, workers: 2, warmupSec: 3, expectedStatus: [200, 201] },
      { protocol: 'ws', url: 'wss://rt.test/socket', mode: 'rate', rate: 500, connections: 100, connectRate: 50, message: '{"n":{{seq}}}', durationSec: 60, pingIntervalSec: 0, subprotocols: ['v1'] },
    ];
    for (const input of inputs) {
      const parsed = parseScenario(input);
      if (!parsed.ok) throw new Error(parsed.error);
      const form = formFromScenario('round trip', singleRequest(parsed.value));
      const again = validateForm(form);
      expect(again.errors).toEqual({});
      expect(again.scenario).toEqual({ ...parsed.value, name: 'round trip' });
      expect(formToInput(form).protocol).toBe(input.protocol);
    }
  });

  test('thresholds: one per line, each bad line named by its number', () => {
    const v = validateForm(http({ thresholds: 'p99 < 250ms\n\nerrors < 1%' }));
    expect(v.ok).toBe(true);
    expect(formToInput(http({ thresholds: 'p99 < 250ms\n\nerrors < 1%' })).thresholds).toEqual(['p99 < 250ms', 'errors < 1%']);
    const bad = validateForm(http({ thresholds: 'p99 < 250ms\np98 < 1s' }));
    expect(bad.errors.thresholds).toMatch(/^Line 2: "p98 < 1s": unknown metric "p98"/);
  });

  test('fields the form does not edit survive an edit', () => {
    const parsed = parseScenario({ protocol: 'http', url: 'http://h/' });
    if (!parsed.ok) throw new Error(parsed.error);
    const form = formFromScenario('kept', { ...singleRequest(parsed.value), futureField: 42 } as unknown as HttpScenario);
    // Fields the form has no control for (futureField; maxResponseBytes, closeOnPingTimeout) ride along.
    expect(form.extra).toMatchObject({ futureField: 42, maxResponseBytes: 16 * 1024 * 1024 });
    expect(form.extra).not.toHaveProperty('url');
    expect(formToInput(form).futureField).toBe(42);
  });

  test('errors returned by the server land on the fields they name', () => {
    const f = http();
    expect(serverErrorToFieldErrors('name: a scenario called "api" already exists', f)).toEqual({ name: 'A scenario called "api" already exists' });
    expect(serverErrorToFieldErrors('config.connections: must be at least 1\nsomething else', f)).toEqual({
      connections: 'Must be at least 1',
      form: 'something else',
    });
  });
});
