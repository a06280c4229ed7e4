// After how many messages does a WebSocket connection pay for its setup? WebSocket pays once to
// open (and close) its connection, then a cost per message; a REST mode pays its own setup
// (keep-alive: one TCP connect; a new connection per request: nothing apart, the connect is in
// every request) and its cost per request. Break-even is the first message count at which
// WebSocket's running total is no higher than REST's.
import type { BreakEven, BreakEvenFigure, ExchangeModeResult } from '../../shared/showdown.ts';

export interface CostModel {
  setup: number;
  perMessage: number;
}

/** Smallest n ≥ 1 with ws.setup + n·ws.perMessage ≤ rest.setup + n·rest.perMessage. */
export function breakEvenPoint(ws: CostModel, rest: CostModel): BreakEvenFigure {
  const base = { wsSetup: ws.setup, wsPerMessage: ws.perMessage, restSetup: rest.setup, restPerMessage: rest.perMessage };
  const setupGap = ws.setup - rest.setup; // what WebSocket has to win back
  const saving = rest.perMessage - ws.perMessage; // what it wins back per message
  const holds = saving >= 0;
  if (setupGap <= saving) {
    // Already ahead (or level) after the first message.
    return { ...base, messages: 1, holds };
  }
  if (saving <= 0) return { ...base, messages: null, holds };
  // Floating-point safe ceil: nudge down by a relative epsilon before rounding up.
  const exact = setupGap / saving;
  const n = Math.max(1, Math.ceil(exact - 1e-9 * Math.max(1, exact)));
  return { ...base, messages: n, holds };
}

/**
 * Break-even of WebSocket against each REST mode of a showdown, in bytes (both directions,
 * socket level) and in time (setup = opening time on an idle target; per message = the p50
 * round trip each mode had in this showdown).
 */
export function showdownBreakEven(modes: ExchangeModeResult[]): BreakEven[] {
  const ws = modes.find((m) => m.mode === 'ws');
  if (!ws || ws.exchanges === 0) return [];
  const wsBytes: CostModel = {
    setup: ws.setup ? ws.setup.openSentBytes + ws.setup.openReceivedBytes + ws.setup.closeSentBytes + ws.setup.closeReceivedBytes : 0,
    perMessage: ws.bytes.sent.total + ws.bytes.received.total,
  };
  const wsTime: CostModel = { setup: ws.setup?.openUs ?? 0, perMessage: ws.latencyUs.p50 };
  const out: BreakEven[] = [];
  for (const against of ['rest-new', 'rest-keepalive'] as const) {
    const rest = modes.find((m) => m.mode === against);
    if (!rest || rest.exchanges === 0) continue;
    // A new connection per request opens its connection inside every exchange: nothing apart.
    const keepAlive = against === 'rest-keepalive';
    out.push({
      against,
      bytes: breakEvenPoint(wsBytes, {
        setup: keepAlive && rest.setup ? rest.setup.openSentBytes + rest.setup.openReceivedBytes + rest.setup.closeSentBytes + rest.setup.closeReceivedBytes : 0,
        perMessage: rest.bytes.sent.total + rest.bytes.received.total,
      }),
      time: breakEvenPoint(wsTime, { setup: keepAlive ? (rest.setup?.openUs ?? 0) : 0, perMessage: rest.latencyUs.p50 }),
    });
  }
  return out;
}
