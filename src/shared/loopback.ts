// Whether a target address is on this machine. Pure (URL only), so the engine's worker count,
// the OpenAPI import's guard and the saturation advice the renderer shows share one rule.
import { DEMO_HOST } from './demoAddress.ts';

/** A loopback host: localhost, ::1 or 127.0.0.0/8. */
export function isLoopbackTarget(url: string): boolean {
  const host = hostOf(url);
  return host !== null && (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host));
}

/**
 * Whether the target runs on the generator's machine: a loopback address, or the built-in demo
 * target's symbolic address (it is started on loopback, in this process, for the run).
 */
export function targetSharesThisMachine(url: string): boolean {
  return isLoopbackTarget(url) || hostOf(url) === DEMO_HOST;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
}
