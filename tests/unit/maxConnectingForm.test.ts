// The WebSocket builder's "Handshakes in flight (max)" field: the scenario's `maxConnecting`
// (the CLI's --max-connecting), shown next to the connect rate, validated at its own field.
import { describe, expect, it } from 'vitest';
import { defaultForm, formFromScenario, validateForm, visibleFields, type ScenarioForm } from '../../src/renderer/src/scenarioForm/scenarioForm.ts';
import type { WsScenario } from '../../src/shared/scenario.ts';

const wsForm = (): ScenarioForm => ({ ...defaultForm('ws'), name: 'many', url: 'ws://127.0.0.1:9/ws/push', mode: 'push', connections: '5000' });

describe('builder: handshakes in flight', () => {
  it('becomes the scenario’s maxConnecting and comes back the same', () => {
    const v = validateForm({ ...wsForm(), maxConnecting: '250' });
    expect(v.errors).toEqual({});
    expect(v.scenario).toMatchObject({ protocol: 'ws', maxConnecting: 250, connectRate: 1000 });
    expect(formFromScenario('many', v.scenario as WsScenario).maxConnecting).toBe('250');
    // The default is the schema's: 1,000.
    expect((validateForm(wsForm()).scenario as WsScenario).maxConnecting).toBe(1000);
    expect((validateForm({ ...wsForm(), maxConnecting: '' }).scenario as WsScenario).maxConnecting).toBe(1000);
  });

  it('bad values get a message at the field, not elsewhere', () => {
    expect(validateForm({ ...wsForm(), maxConnecting: '0' }).errors).toEqual({ maxConnecting: 'Must be at least 1' });
    expect(validateForm({ ...wsForm(), maxConnecting: 'lots' }).errors).toEqual({ maxConnecting: 'Must be a number' });
    expect(validateForm({ ...wsForm(), maxConnecting: '2.5' }).errors).toEqual({ maxConnecting: 'Must be a whole number' });
  });

  it('is shown for WebSocket scenarios only', () => {
    expect(visibleFields(wsForm()).has('maxConnecting')).toBe(true);
    expect(visibleFields(defaultForm('http')).has('maxConnecting')).toBe(false);
  });
});
