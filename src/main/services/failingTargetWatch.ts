// "Nothing works": a run in which every attempt fails the same way (connection refused, the host
// does not resolve, the certificate does not verify, every answer is a 503) measures nothing
// but the failure. Running it to its planned end only delays the news, so the run is stopped
// after a few such seconds and ends as failed, with the reason in words — unless the user asked
// to keep going (a test of how a client behaves against a dead target is a real use).
//
// Fed each merged second with the run's totals so far: a second counts when nothing completed
// successfully in it, errors happened, and all of them were of one kind (from the difference of
// the totals by kind). A second with no attempt at all (a quiet push feed) neither counts nor
// resets; anything else resets.
import type { ErrorKind, RunProgress } from '../../shared/runResult.ts';
import { formatCount } from '../../shared/units.ts';

/** Consecutive seconds in which every attempt failed the same way before the run is stopped. */
export const FAILING_SECONDS = 3;

/** What each kind means, for the message. */
const MEANING: Partial<Record<ErrorKind, string>> = {
  refused: 'connection refused',
  reset: 'connection reset',
  timeout: 'timed out',
  dns: 'host name did not resolve',
  tls: 'TLS handshake failed',
  closed: 'WebSocket closed by the server',
  handshake: 'WebSocket upgrade rejected',
  status: 'unexpected HTTP status',
  protocol: 'invalid HTTP',
};

export interface FailingVerdict {
  kind: ErrorKind;
  /** Errors of that kind in the failing seconds. */
  errors: number;
  /** The second after which the run was stopped (sample t + 1). */
  atSec: number;
  message: string;
}

export class FailingTargetWatch {
  private previous: Partial<Record<ErrorKind, number>> = {};
  private streak = 0;
  private streakKind: ErrorKind | null = null;
  private streakErrors = 0;
  private readonly seconds: number;

  /** How the caller's user runs to the end anyway (the CLI's flag), appended to the message; none in the app. */
  private readonly optOut: string | undefined;

  constructor(seconds = FAILING_SECONDS, optOut?: string) {
    this.seconds = seconds;
    this.optOut = optOut;
  }

  /** Returns a verdict once the run has failed the same way for `seconds` seconds in a row. */
  add(p: RunProgress): FailingVerdict | null {
    const totals = p.totals.errorsByKind ?? {};
    const delta: Array<[ErrorKind, number]> = [];
    for (const [kind, n] of Object.entries(totals) as Array<[ErrorKind, number]>) {
      const d = (n ?? 0) - (this.previous[kind] ?? 0);
      if (d > 0) delta.push([kind, d]);
    }
    this.previous = { ...totals };
    const errors = delta.reduce((a, [, n]) => a + n, 0);
    // Completions with an unexpected status count in throughput and as 'status' errors.
    const statusErrors = delta.find(([k]) => k === 'status')?.[1] ?? 0;
    const succeeded = p.sample.throughput - statusErrors;
    if (succeeded <= 0 && errors === 0) return null; // nothing attempted this second
    if (succeeded > 0 || delta.length !== 1) {
      this.streak = 0;
      this.streakKind = null;
      this.streakErrors = 0;
      return null;
    }
    const kind = delta[0][0];
    if (kind !== this.streakKind) {
      this.streak = 0;
      this.streakErrors = 0;
      this.streakKind = kind;
    }
    this.streak++;
    this.streakErrors += errors;
    if (this.streak < this.seconds) return null;
    const atSec = p.sample.t + 1;
    const what = MEANING[kind] ? `${kind} (${MEANING[kind]})` : kind;
    return {
      kind,
      errors: this.streakErrors,
      atSec,
      message:
        `stopped after ${atSec} s: nothing succeeded and every attempt failed the same way — ${what}, ` +
        `${formatCount(this.streakErrors)} times in ${this.seconds} s. Is the target running at this address?` +
        (this.optOut ? ` (${this.optOut})` : ''),
    };
  }
}
