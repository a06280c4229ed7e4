// The browser transport's reconnect waits (src/renderer/src/api/reconnectBackoff.ts, used by
// wsTransport.ts): 1 s, 2, 4 … up to 30 s while the server is gone; 1 s again after a socket opened.
import { describe, expect, it } from 'vitest';
import { RECONNECT_MAX_MS, ReconnectBackoff } from '../../src/renderer/src/api/reconnectBackoff.ts';

describe('ReconnectBackoff', () => {
  it('doubles from 1 s to a 30 s cap, and starts over after a socket opened', () => {
    const b = new ReconnectBackoff();
    const waits = Array.from({ length: 8 }, () => b.next());
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(Math.max(...waits)).toBe(RECONNECT_MAX_MS);
    b.reset();
    expect(b.next()).toBe(1000);
  });
});
