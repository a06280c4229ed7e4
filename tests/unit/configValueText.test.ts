// The run page's Configuration panel (src/renderer/src/runConfig/configValueText.ts): stages,
// a flow's steps and its data rows read as text, never "[object Object]".
import { describe, expect, it } from 'vitest';
import { configValueText } from '../../src/renderer/src/runConfig/configValueText.ts';

describe('configValueText', () => {
  it('writes stages as the CLI does, steps by name and request, data by file, rows, assignment and hash', () => {
    expect(configValueText('stages', [{ durationSec: 2, target: 20 }, { durationSec: 1, target: 0 }])).toBe('2s:20, 1s:0');
    expect(
      configValueText('steps', [
        { type: 'http', name: 'login', method: 'POST', url: '/login' },
        { type: 'ws-connect', name: 'open', url: '/ws/rpc' },
        { type: 'ws-send', name: 'call' },
      ]),
    ).toBe('login (POST /login)\nopen (ws-connect /ws/rpc)\ncall (ws-send)');
    const rows = Array.from({ length: 100 }, (_, i) => ({ username: `user${i + 1}` }));
    expect(configValueText('data', { file: 'users.csv', assign: 'per-vu', rows, sha256: 'c1fe60bce29d339a22cd5bc57790b6a6' })).toBe('users.csv · 100 rows · per-vu · sha256 c1fe60bce29d…');
  });

  it('keeps headers one per line and plain lists comma-separated; nested values as JSON', () => {
    expect(configValueText('headers', { Accept: 'application/json', 'X-A': '1' })).toBe('Accept: application/json\nX-A: 1');
    expect(configValueText('thresholds', ['p99 < 250ms', 'errors < 1%'])).toBe('p99 < 250ms, errors < 1%');
    expect(configValueText('poll', { intervalMs: 100, extra: { a: 1 } })).toBe('intervalMs: 100\nextra: {"a":1}');
    expect(configValueText('other', [{ a: 1 }])).toBe('{"a":1}');
    expect(configValueText('connections', 10)).toBe('10');
    for (const key of ['stages', 'steps', 'data', 'other']) expect(configValueText(key, key === 'data' ? { rows: [{ a: 1 }] } : [{ a: 1 }])).not.toMatch(/object Object/);
  });
});
