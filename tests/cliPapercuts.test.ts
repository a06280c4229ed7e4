// Usage mistakes people bring from other tools get one line that says what to type instead,
// never Node's raw parser text, and a flag that does not apply is refused rather than ignored.
// No run starts in any of these (the address is a closed loopback port).
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cliProcess.ts';

describe('barrage run: papercuts', () => {
  it('-X POST (curl) suggests -m/--method in one line', async () => {
    const r = await runCli(['run', 'http://127.0.0.1:1/', '-X', 'POST', '-d', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('barrage run: unknown option -X; the HTTP method is -m/--method (e.g. -m POST)\n');
  });

  it('a host and port without a scheme suggests http://', async () => {
    const r = await runCli(['run', '127.0.0.1:8080', '-d', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('barrage run: url: "127.0.0.1:8080" is not a valid URL; did you mean http://127.0.0.1:8080?\n');
    const named = await runCli(['run', 'localhost:8080/x', '-d', '1']);
    expect(named.stderr).toBe('barrage run: url: "localhost:8080/x" has no scheme; did you mean http://localhost:8080/x?\n');
  });

  it('--mode push on an http:// URL is refused, not ignored', async () => {
    const r = await runCli(['run', 'http://127.0.0.1:1/', '--mode', 'push', '-d', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('barrage run: --mode applies to WebSocket URLs (ws:// or wss://) only, not http://127.0.0.1:1/\n');
    expect(r.stdout).toBe('');
  });
});
