// The builder's "Measures" choice: an HTTP scenario that measures server updates (SSE, polling,
// long polling) round-trips through the form, leaves out the request/response fields the schema
// refuses with it, and puts the schema's messages on the fields the form shows.
import { describe, expect, it } from 'vitest';
import { defaultForm, formFromScenario, formToInput, validateForm, visibleFields, type ScenarioForm } from '../../src/renderer/src/scenarioForm/scenarioForm.ts';
import { describeLoad } from '../../src/renderer/src/scenarioForm/describeLoad.ts';
import type { HttpScenario } from '../../src/shared/scenario.ts';
import { protocolBadgeText, protocolLabel } from '../../src/shared/protocolLabel.ts';
import { updateModeOf } from '../../src/shared/updateMode.ts';

const sseForm = (): ScenarioForm => ({ ...defaultForm('http'), name: 'sse', url: 'http://127.0.0.1:9/sse', updates: 'sse', sseRetryMs: '250', connectRate: '50' });

describe('builder update modes', () => {
  it('an SSE form becomes an SSE scenario (no body, rate or pipelining even when the form still holds them) and comes back the same', () => {
    const f = { ...sseForm(), body: '{"x":1}', loadModel: 'open' as const, rate: '100', pipelining: '4' };
    const v = validateForm(f);
    expect(v.errors).toEqual({});
    expect(v.scenario).toMatchObject({ protocol: 'http', method: 'GET', sse: { retryMs: 250, connectRate: 50 } });
    expect(v.scenario).not.toHaveProperty('body');
    const back = formFromScenario('sse', v.scenario as HttpScenario);
    expect(back).toMatchObject({ updates: 'sse', sseRetryMs: '250', connectRate: '50' });
    expect(visibleFields(back).has('sseRetryMs')).toBe(true);
    expect(visibleFields(back).has('pipelining')).toBe(false);
    expect(describeLoad(v.scenario!)[0]).toBe('Server-Sent Events: 10 connections each hold one event stream open (50 new streams/s at most), for 10 s.');
  });

  it('polling and long polling become poll scenarios', () => {
    const poll = validateForm({ ...sseForm(), updates: 'poll', pollIntervalMs: '200' });
    expect(poll.scenario).toMatchObject({ poll: { intervalMs: 200 } });
    expect(formFromScenario('p', poll.scenario as HttpScenario)).toMatchObject({ updates: 'poll', pollIntervalMs: '200' });
    const long = validateForm({ ...sseForm(), updates: 'long-poll' });
    expect(long.scenario).toMatchObject({ poll: { long: true } });
    expect(formToInput({ ...sseForm(), updates: 'long-poll' })).not.toHaveProperty('sse');
    expect(formFromScenario('l', long.scenario as HttpScenario).updates).toBe('long-poll');
    expect(formFromScenario('r', validateForm({ ...sseForm(), updates: 'requests' }).scenario as HttpScenario).updates).toBe('requests');
  });

  it('puts the schema’s messages on the fields shown', () => {
    expect(validateForm({ ...sseForm(), sseRetryMs: '-5' }).errors).toEqual({ sseRetryMs: 'Cannot be negative' });
    expect(validateForm({ ...sseForm(), updates: 'poll', pollIntervalMs: '0' }).errors).toEqual({ pollIntervalMs: 'Must be at least 1' });
    expect(validateForm({ ...sseForm(), method: 'POST' }).errors).toEqual({ method: 'Must be GET with sse' });
    expect(validateForm({ ...sseForm(), httpVersion: '2' }).errors).toEqual({ updates: 'Cannot be combined with http2' });
  });
});

describe('labels of update-mode runs (badges in History, Compare, Run, Scenarios; the HTML report)', () => {
  it('name SSE, polling and long polling instead of plain HTTP', () => {
    const of = (f: ScenarioForm) => {
      const c = validateForm(f).scenario!;
      return { protocol: c.protocol, update: updateModeOf(c) };
    };
    expect(protocolLabel(of(sseForm()))).toBe('SSE');
    expect(protocolBadgeText(of(sseForm()))).toBe('SSE');
    expect(protocolLabel(of({ ...sseForm(), updates: 'poll', pollIntervalMs: '100' }))).toBe('HTTP polling');
    expect(protocolBadgeText(of({ ...sseForm(), updates: 'long-poll' }))).toBe('LONG POLL');
    expect(protocolLabel(of({ ...sseForm(), updates: 'requests' }))).toBe('HTTP');
  });
});
