// HTTP/2 in the builder's form model and in the labels every view uses: the HTTP version toggle
// becomes `http2` (+ `streams`) in the scenario and back, the plain-words description says what
// load HTTP/2 puts on the target, and runs/scenarios over HTTP/2 are labelled "HTTP/2".
import { describe, expect, it } from 'vitest';
import { defaultForm, formFromScenario, validateForm, visibleFields } from '../../src/renderer/src/scenarioForm/scenarioForm.ts';
import type { HttpScenario } from '../../src/shared/scenario.ts';
import { describeLoad } from '../../src/renderer/src/scenarioForm/describeLoad.ts';
import { isHttp2Config, protocolBadgeText, protocolLabel } from '../../src/shared/protocolLabel.ts';

const h2Form = () => ({ ...defaultForm('http'), name: 'h2 echo', url: 'http://127.0.0.1:8080/h2', httpVersion: '2' as const, streams: '16', connections: '4' });

describe('builder: HTTP/2', () => {
  it('the HTTP/2 toggle makes an http2 scenario with its streams; HTTP/1.1 makes none', () => {
    const v = validateForm(h2Form());
    expect(v.ok).toBe(true);
    expect(v.scenario).toMatchObject({ protocol: 'http', http2: true, streams: 16, connections: 4, pipelining: 1, newConnectionPerRequest: false });
    const plain = validateForm({ ...h2Form(), httpVersion: '1.1' });
    expect(plain.ok).toBe(true);
    // Saved as JSON: neither field is there.
    expect(Object.keys(JSON.parse(JSON.stringify(plain.scenario)) as object)).not.toContain('http2');
    expect(Object.keys(JSON.parse(JSON.stringify(plain.scenario)) as object)).not.toContain('streams');
  });

  it('a bad streams value is shown at its field; pipelining and new-connection give way to streams', () => {
    expect(validateForm({ ...h2Form(), streams: '0' }).errors.streams).toBe('Must be at least 1');
    // Leftovers of HTTP/1.1 in the form do not break an HTTP/2 scenario.
    expect(validateForm({ ...h2Form(), pipelining: '8', newConnectionPerRequest: true }).ok).toBe(true);
    const shown = visibleFields(h2Form());
    expect(shown.has('streams')).toBe(true);
    expect(shown.has('pipelining')).toBe(false);
    expect(shown.has('newConnectionPerRequest')).toBe(false);
    expect(visibleFields(defaultForm('http')).has('streams')).toBe(false);
  });

  it('a saved HTTP/2 scenario opens with the toggle on and its streams', () => {
    const saved = validateForm(h2Form()).scenario!;
    const f = formFromScenario('h2', saved as HttpScenario);
    expect(f.httpVersion).toBe('2');
    expect(f.streams).toBe('16');
    // Edited by the form, so not carried along as an unknown field.
    expect(Object.keys(f.extra)).not.toContain('http2');
    expect(Object.keys(f.extra)).not.toContain('streams');
  });

  it('describes the load in words', () => {
    const lines = describeLoad(validateForm(h2Form()).scenario!);
    expect(lines).toContain('Closed model: 4 HTTP/2 connections each keep 16 requests (streams) in flight, for 10 s.');
    expect(lines).toContain('HTTP/2 (h2c, prior knowledge): at most 16 streams per connection, fewer if the server allows fewer.');
  });

  it('labels HTTP/2 apart from HTTP in every view', () => {
    expect(protocolLabel({ protocol: 'http', http2: true })).toBe('HTTP/2');
    expect(protocolLabel({ protocol: 'http' })).toBe('HTTP');
    expect(protocolLabel({ protocol: 'ws' })).toBe('WebSocket');
    expect(protocolBadgeText({ protocol: 'ws' })).toBe('WS');
    expect(isHttp2Config(validateForm(h2Form()).scenario)).toBe(true);
    expect(isHttp2Config({ protocol: 'http' })).toBe(false);
  });
});

describe('compare: HTTP/1.1 against HTTP/2', () => {
  it('the configuration diff names the HTTP version and the streams, and calls it no before/after', async () => {
    const { diffConfigs } = await import('../../src/shared/configDiff.ts');
    const h1 = validateForm({ ...h2Form(), httpVersion: '1.1' }).scenario!;
    const h2 = validateForm(h2Form()).scenario!;
    const d = diffConfigs([h1, h2]);
    expect(d.fields.find((f) => f.key === 'http2')?.values).toEqual(['HTTP/1.1', 'HTTP/2']);
    expect(d.fields.find((f) => f.key === 'streams')?.values).toEqual(['—', '16']);
    expect(d.comparable).toBe(false);
    expect(d.breaking).toContain('HTTP version');
    expect(diffConfigs([h2, h2]).comparable).toBe(true);
  });
});
