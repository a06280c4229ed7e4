// The built-in demo target listens on a port chosen when the app (or `barrage serve`) starts, so
// a scenario that saved its literal address would point at a dead port after a restart. A
// scenario saves a symbolic address instead — host `demo-target.invalid` (the .invalid top-level
// domain never resolves, RFC 6761, so it can never reach a real host by accident) — and the
// engine puts in the demo target of the current session when the run starts.
import type { DemoTargetInfo } from './contract.ts';

export const DEMO_HOST = 'demo-target.invalid';

/** Whether a scenario URL names the demo target symbolically. */
export function isDemoUrl(url: string): boolean {
  try {
    return new URL(url).hostname === DEMO_HOST;
  } catch {
    return false;
  }
}

/** The symbolic address for a path of the demo target: `http://demo-target.invalid/echo`. */
export function symbolicDemoUrl(scheme: 'http' | 'ws', pathAndQuery: string): string {
  return `${scheme}://${DEMO_HOST}${pathAndQuery.startsWith('/') ? '' : '/'}${pathAndQuery}`;
}

/** The session's real address for a symbolic one (scheme, path and query kept). */
export function resolveDemoUrl(url: string, demo: DemoTargetInfo): string {
  const u = new URL(url);
  const base = new URL(u.protocol === 'ws:' || u.protocol === 'wss:' ? demo.wsUrl : demo.httpUrl);
  return `${base.protocol}//${base.host}${u.pathname}${u.search}`;
}
