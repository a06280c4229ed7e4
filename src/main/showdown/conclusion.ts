// The showdown's conclusion in plain language, computed from the measured numbers: every
// sentence names the figures it rests on, says which side was better and by how much, calls a
// difference under 5% a tie, and says so plainly when REST came out ahead.
import type { BreakEven, ExchangeModeResult, ShowdownResult, UpdateModeResult } from '../../shared/showdown.ts';
import { formatCount, formatPercent, formatRatio, formatSmallBytes, formatSmallUs, formatUs } from '../../shared/units.ts';

// The conclusion's ratios and the charts' (the renderer's) are written by the same function.
export { formatRatio };

type Inputs = Pick<ShowdownResult, 'config' | 'exchange' | 'updates' | 'status'>;

/** Below this ratio two figures are called the same. */
export const TIE_RATIO = 1.05;
/** Below this ratio a difference is flagged as within what a rerun can change. */
export const NOISE_RATIO = 1.1;

/** How the REST modes are named inside a sentence. */
const PROSE: Record<'rest-new' | 'rest-keepalive', string> = {
  'rest-keepalive': 'REST keep-alive',
  'rest-new': 'REST with a new connection per request',
};

export interface Comparison {
  /** Which of the two is better: 'a', 'b', or a tie (within 5%). */
  winner: 'a' | 'b' | 'tie';
  /** Larger over smaller (≥ 1); Infinity when one of them is 0. */
  ratio: number;
}

/** Compares a with b where lower (or higher) is better. */
export function compare(a: number, b: number, better: 'lower' | 'higher'): Comparison {
  if (a === b) return { winner: 'tie', ratio: 1 };
  const aWins = better === 'lower' ? a < b : a > b;
  if (!(a > 0) || !(b > 0)) return { winner: aWins ? 'a' : 'b', ratio: Infinity };
  const ratio = Math.max(a, b) / Math.min(a, b);
  if (ratio < TIE_RATIO) return { winner: 'tie', ratio };
  return { winner: aWins ? 'a' : 'b', ratio };
}

interface Versus {
  rest: ExchangeModeResult & { mode: 'rest-new' | 'rest-keepalive' };
  c: Comparison;
  ws: number;
  other: number;
}

/** Words for one figure: how WebSocket compares with a REST mode when better, worse or level. */
interface Wording {
  better: string;
  worse: string;
  same: string;
}

/** "<subject> 3.0× fewer bytes than REST keep-alive (136 B vs 406 B) and …<tail>." */
function versusSentence(items: Versus[], subject: string, words: Wording, format: (n: number) => string, tail = ''): string {
  const parts = items.map((v) => {
    const fig = `${format(v.ws)} vs ${format(v.other)}`;
    const name = PROSE[v.rest.mode];
    if (v.c.winner === 'tie') return `about ${words.same} ${name} (${fig})`;
    return `${formatRatio(v.c.ratio)} ${v.c.winner === 'a' ? words.better : words.worse} ${name} (${fig})`;
  });
  return `${subject} ${parts.join(' and ')}${tail}.`;
}

export function conclude(r: Inputs): string[] {
  const out: string[] = [];
  const close: string[] = [];
  const watch = (what: string, c: Comparison) => {
    if (c.winner !== 'tie' && c.ratio < NOISE_RATIO) close.push(`${what} ${formatRatio(c.ratio)}`);
  };
  const modes = r.exchange?.modes ?? [];
  const get = (id: ExchangeModeResult['mode']) => modes.find((m) => m.mode === id && m.exchanges > 0);
  const ws = get('ws');
  const ka = get('rest-keepalive') as Versus['rest'] | undefined;
  const nc = get('rest-new') as Versus['rest'] | undefined;
  const rests = [ka, nc].filter((m): m is Versus['rest'] => m !== undefined);

  if (r.status !== 'completed') {
    out.push(`The showdown ${r.status === 'failed' ? 'failed' : 'was stopped'} before every mode had run: only the modes measured are compared.`);
  }

  const versus = (value: (m: ExchangeModeResult) => number | null, better: 'lower' | 'higher', what: string): Versus[] => {
    if (!ws || value(ws) === null) return [];
    return rests
      .filter((m) => value(m) !== null)
      .map((rest) => {
        const c = compare(value(ws)!, value(rest)!, better);
        watch(`${what} vs ${PROSE[rest.mode]}`, c);
        return { rest, c, ws: value(ws)!, other: value(rest)! };
      });
  };

  // ---- bytes ----
  const bytes = versus((m) => m.bytes.sent.total + m.bytes.received.total, 'lower', 'bytes');
  if (bytes.length > 0) {
    out.push(
      versusSentence(bytes, 'Per exchange WebSocket moved', { better: 'fewer bytes than', worse: 'more bytes than', same: 'the same bytes as' }, formatSmallBytes, `, both directions, with ${r.config.payloadBytes} B of payload each way`),
    );
  }

  // ---- latency against keep-alive, and keep-alive against a new connection ----
  if (ws && ka) {
    const c50 = compare(ws.latencyUs.p50, ka.latencyUs.p50, 'lower');
    const c99 = compare(ws.latencyUs.p99, ka.latencyUs.p99, 'lower');
    watch('p50 round trip', c50);
    watch('p99 round trip', c99);
    out.push(`Against REST keep-alive, ${latencyClause('p50', c50, ws.latencyUs.p50, ka.latencyUs.p50)}; ${latencyClause('p99', c99, ws.latencyUs.p99, ka.latencyUs.p99)}.`);
  }
  if (nc && ka) {
    const c = compare(nc.latencyUs.p50, ka.latencyUs.p50, 'lower');
    watch('new connection vs keep-alive p50', c);
    const fig = `${formatUs(nc.latencyUs.p50)} vs ${formatUs(ka.latencyUs.p50)}`;
    const conns = `${formatCount(nc.connections.opened)} TCP connections for ${formatCount(nc.exchanges)} exchanges, against ${formatCount(ka.connections.opened)} for keep-alive`;
    if (c.winner === 'b') out.push(`A new connection per request made the p50 round trip ${formatRatio(c.ratio)} longer than keep-alive (${fig}) and opened ${conns}.`);
    else if (c.winner === 'tie') out.push(`A new connection per request cost about the same p50 round trip as keep-alive here (${fig}), while opening ${conns}.`);
    else out.push(`A new connection per request had the shorter p50 round trip here (${fig}), while opening ${conns}.`);
  }

  // ---- throughput ----
  const tput = versus((m) => m.throughputPerSec, 'higher', 'throughput');
  if (tput.length > 0) {
    const clients = `${r.config.concurrency} client${r.config.concurrency === 1 ? '' : 's'}`;
    out.push(
      versusSentence(
        tput,
        `With ${clients}, WebSocket completed`,
        { better: 'as many exchanges per second as', worse: 'fewer exchanges per second than', same: 'as many exchanges per second as' },
        (n) => `${formatCount(n)}/s`,
      ),
    );
  }

  // ---- CPU ----
  const server = versus((m) => m.serverCpuUs, 'lower', 'server CPU');
  if (server.length > 0) {
    out.push(versusSentence(server, 'Per exchange the server spent', { better: 'less CPU on WebSocket than on', worse: 'more CPU on WebSocket than on', same: 'the same CPU on WebSocket as on' }, formatSmallUs));
  }
  const client = versus((m) => m.generatorCpuUs, 'lower', 'client CPU');
  if (client.length > 0) {
    out.push(
      versusSentence(client, 'Per exchange the client (load generator) spent', { better: 'less CPU on WebSocket than on', worse: 'more CPU on WebSocket than on', same: 'the same CPU on WebSocket as on' }, formatSmallUs),
    );
  }

  // ---- HTTP/2 ----
  const h2 = get('h2');
  if (h2) out.push(...http2Sentences(h2, ka, ws, watch));

  // ---- break-even ----
  out.push(...breakEvenSentences(r.exchange?.breakEven ?? []));

  // ---- updates ----
  const poll = r.updates?.modes.find((m) => m.mode === 'poll' && m.delivered > 0);
  const push = r.updates?.modes.find((m) => m.mode === 'push' && m.delivered > 0);
  if (poll && push) out.push(...updateSentences(poll, push, r.updates!.pollIntervalMs, watch));
  else if (poll) out.push(`Polling every ${r.updates!.pollIntervalMs} ms delivered updates with a p50 lag of ${formatUs(poll.lagUs.p50)}; push was not measured.`);
  else if (push) out.push(`WebSocket push delivered updates with a p50 lag of ${formatUs(push.lagUs.p50)}; polling was not measured.`);
  const longPoll = r.updates?.modes.find((m) => m.mode === 'long-poll' && m.delivered > 0);
  const sse = r.updates?.modes.find((m) => m.mode === 'sse' && m.delivered > 0);
  if (longPoll) out.push(longPollSentence(longPoll, poll, r.updates!.pollIntervalMs, watch));
  if (sse) out.push(...sseSentences(sse, push, watch));
  const measuredUpdates = r.updates?.modes.filter((m) => m.delivered > 0) ?? [];
  if (measuredUpdates.length >= 3) out.push(...updateRankings(measuredUpdates));

  // ---- caveats ----
  const saturated = modes.filter((m) => m.generatorSaturated).map((m) => m.label);
  if (saturated.length > 0) {
    out.push(`The load generator was saturated during ${saturated.join(', ')}: those latencies and throughputs describe the generator as much as the server.`);
  }
  const failing = [...modes, ...(r.updates?.modes ?? [])].filter((m) => m.errors > 0);
  if (failing.length > 0) out.push(`Errors: ${failing.map((m) => `${m.label} ${formatCount(m.errors)}`).join(', ')}.`);
  if (close.length > 0) out.push(`Differences under 10% (${close.join('; ')}) are within what a rerun can change: each mode ran once.`);
  return out;
}

function latencyClause(label: string, c: Comparison, ws: number, rest: number): string {
  const fig = `${formatUs(ws)} vs ${formatUs(rest)}`;
  if (c.winner === 'tie') return `WebSocket's ${label} round trip was about the same (${fig})`;
  if (c.winner === 'a') return `WebSocket's ${label} round trip was ${formatRatio(c.ratio)} lower (${fig})`;
  return `REST keep-alive had the lower ${label} round trip here (${formatUs(rest)} vs ${formatUs(ws)} for WebSocket)`;
}

function breakEvenSentences(list: BreakEven[]): string[] {
  const out: string[] = [];
  if (list.length === 0) return out;
  const n = (k: number, unit: string) => `${formatCount(k)} ${unit}${k === 1 ? '' : 's'}`;
  const clause = (b: BreakEven, kind: 'bytes' | 'time', unit: string) => {
    const f = b[kind];
    const against = PROSE[b.against];
    if (f.messages === null) return `never against ${against} (${kind === 'bytes' ? formatSmallBytes(f.wsPerMessage) : formatUs(f.wsPerMessage)} per message vs ${kind === 'bytes' ? formatSmallBytes(f.restPerMessage) : formatUs(f.restPerMessage)})`;
    return `after ${n(f.messages, unit)} against ${against}${f.holds ? '' : ', falling behind again later'}`;
  };
  const first = list[0];
  const setupBytes = first.bytes.wsSetup;
  out.push(`Opening and closing a WebSocket cost ${formatSmallBytes(setupBytes)} on the wire; it was paid back in bytes ${list.map((b) => clause(b, 'bytes', 'message')).join(' and ')}.`);
  const tcp = list.find((b) => b.time.restSetup > 0)?.time.restSetup;
  out.push(
    `Opening it took ${formatUs(first.time.wsSetup)}${tcp !== undefined ? ` (a TCP connection: ${formatUs(tcp)})` : ''}; in time it was paid back ${list.map((b) => clause(b, 'time', 'round trip')).join(' and ')}.`,
  );
  return out;
}

function updateSentences(poll: UpdateModeResult, push: UpdateModeResult, intervalMs: number, watch: (what: string, c: Comparison) => void): string[] {
  const out: string[] = [];
  const c50 = compare(poll.lagUs.p50, push.lagUs.p50, 'lower');
  watch('update lag', c50);
  const lag = `p50 ${formatUs(poll.lagUs.p50)} vs ${formatUs(push.lagUs.p50)}, p99 ${formatUs(poll.lagUs.p99)} vs ${formatUs(push.lagUs.p99)}`;
  if (c50.winner === 'b') out.push(`Polling every ${intervalMs} ms delivered updates ${formatRatio(c50.ratio)} later than WebSocket push (${lag}).`);
  else if (c50.winner === 'tie') out.push(`Polling every ${intervalMs} ms delivered updates about as fast as WebSocket push (${lag}).`);
  else out.push(`Polling every ${intervalMs} ms had the lower update lag here (${lag}).`);
  out.push(
    `Polling sent ${formatCount(poll.requestsPerEvent, 2)} requests per delivered update, and ${formatPercent(poll.emptyShare ?? 0, 0)} of its ${formatCount(poll.requests)} polls came back empty; push sent no requests.`,
  );
  const pb = poll.bytesPerEvent.sent + poll.bytesPerEvent.received.total;
  const wb = push.bytesPerEvent.sent + push.bytesPerEvent.received.total;
  const cb = compare(pb, wb, 'lower');
  watch('bytes per update', cb);
  if (cb.winner === 'b') out.push(`Each delivered update cost ${formatRatio(cb.ratio)} the bytes with polling (${formatSmallBytes(pb)} vs ${formatSmallBytes(wb)}).`);
  else if (cb.winner === 'tie') out.push(`Each delivered update cost about the same bytes either way (${formatSmallBytes(pb)} vs ${formatSmallBytes(wb)}).`);
  else out.push(`Polling used fewer bytes per delivered update here (${formatSmallBytes(pb)} vs ${formatSmallBytes(wb)}): its responses carried several updates each.`);
  return out;
}

/** Long polling: its requests per update and empty share, and its lag against polling's. */
function longPollSentence(lp: UpdateModeResult, poll: UpdateModeResult | undefined, intervalMs: number, watch: (what: string, c: Comparison) => void): string {
  const cost = `Long polling sent ${formatCount(lp.requestsPerEvent, 2)} requests per delivered update (${formatPercent(lp.emptyShare ?? 0, 0)} of ${formatCount(lp.requests)} came back empty)`;
  if (!poll) return `${cost}, with a p50 lag of ${formatUs(lp.lagUs.p50)}.`;
  const c = compare(lp.lagUs.p50, poll.lagUs.p50, 'lower');
  watch('long-poll lag', c);
  const fig = `p50 ${formatUs(lp.lagUs.p50)} vs ${formatUs(poll.lagUs.p50)}`;
  if (c.winner === 'a') return `${cost}, and delivered updates ${formatRatio(c.ratio)} sooner than polling every ${intervalMs} ms (${fig}).`;
  if (c.winner === 'tie') return `${cost}, and delivered updates about as fast as polling every ${intervalMs} ms (${fig}).`;
  return `${cost}, and delivered updates later than polling every ${intervalMs} ms here (${fig}).`;
}

/** Server-Sent Events against WebSocket push: both hold one connection per client and let the server write. */
function sseSentences(sse: UpdateModeResult, push: UpdateModeResult | undefined, watch: (what: string, c: Comparison) => void): string[] {
  const sb = sse.bytesPerEvent.sent + sse.bytesPerEvent.received.total;
  if (!push) return [`Server-Sent Events delivered updates with a p50 lag of ${formatUs(sse.lagUs.p50)} at ${formatSmallBytes(sb)} per update.`];
  const out: string[] = [];
  const c50 = compare(sse.lagUs.p50, push.lagUs.p50, 'lower');
  watch('SSE lag', c50);
  const lag = `p50 ${formatUs(sse.lagUs.p50)} vs ${formatUs(push.lagUs.p50)}, p99 ${formatUs(sse.lagUs.p99)} vs ${formatUs(push.lagUs.p99)}`;
  if (c50.winner === 'tie') out.push(`Server-Sent Events delivered updates about as fast as WebSocket push (${lag}).`);
  else if (c50.winner === 'a') out.push(`Server-Sent Events delivered updates ${formatRatio(c50.ratio)} sooner than WebSocket push here (${lag}).`);
  else out.push(`Server-Sent Events delivered updates ${formatRatio(c50.ratio)} later than WebSocket push (${lag}).`);
  const wb = push.bytesPerEvent.sent + push.bytesPerEvent.received.total;
  const cb = compare(sb, wb, 'lower');
  watch('SSE bytes per update', cb);
  const bytes = `${formatSmallBytes(sb)} vs ${formatSmallBytes(wb)}`;
  if (cb.winner === 'tie') out.push(`Each update cost about the same bytes over SSE as over WebSocket (${bytes}).`);
  else if (cb.winner === 'a') out.push(`Each update cost fewer bytes over SSE than over WebSocket (${bytes}).`);
  else out.push(`Each update cost ${formatRatio(cb.ratio)} the bytes over SSE (${bytes}): its "id:" and "data:" lines against WebSocket's frame header.`);
  return out;
}

/** The measured update modes ranked by p50 lag and by bytes per update, lowest first. */
function updateRankings(modes: UpdateModeResult[]): string[] {
  const bytes = (m: UpdateModeResult) => m.bytesPerEvent.sent + m.bytesPerEvent.received.total;
  const byLag = [...modes].sort((a, b) => a.lagUs.p50 - b.lagUs.p50);
  const byBytes = [...modes].sort((a, b) => bytes(a) - bytes(b));
  return [
    `Lowest p50 delivery lag first: ${byLag.map((m) => `${m.label} ${formatUs(m.lagUs.p50)}`).join(', ')}.`,
    `Fewest bytes per delivered update first: ${byBytes.map((m) => `${m.label} ${formatSmallBytes(bytes(m))}`).join(', ')}.`,
  ];
}

/** "3.0× fewer bytes than REST keep-alive (136 B vs 406 B)", or "about the same … as" within 5%. */
function phrase(c: Comparison, name: string, fig: string, words: Wording): string {
  if (c.winner === 'tie') return `about ${words.same} ${name} (${fig})`;
  return `${formatRatio(c.ratio)} ${c.winner === 'a' ? words.better : words.worse} ${name} (${fig})`;
}

/**
 * HTTP/2 against REST keep-alive (the same requests over HTTP/1.1) and WebSocket: bytes and their
 * overhead (where HPACK's header compression shows), round trip, throughput, CPU on both sides,
 * and the connections it needed.
 */
function http2Sentences(h2: ExchangeModeResult, ka: ExchangeModeResult | undefined, ws: ExchangeModeResult | undefined, watch: (what: string, c: Comparison) => void): string[] {
  const out: string[] = [];
  const others = [ka && { m: ka, name: 'REST keep-alive' }, ws && { m: ws, name: 'WebSocket' }].filter((x): x is { m: ExchangeModeResult; name: string } => Boolean(x));
  const against = (value: (m: ExchangeModeResult) => number | null, better: 'lower' | 'higher', what: string, words: Wording, format: (n: number) => string): string[] => {
    const mine = value(h2);
    if (mine === null) return [];
    return others.flatMap(({ m, name }) => {
      const theirs = value(m);
      if (theirs === null) return [];
      const c = compare(mine, theirs, better);
      watch(`HTTP/2 ${what} vs ${name}`, c);
      return [phrase(c, name, `${format(mine)} vs ${format(theirs)}`, words)];
    });
  };
  const streams = h2.http2 ? `, up to ${formatCount(h2.http2.peakStreams)} streams on one connection` : '';
  const bytes = against((m) => m.bytes.sent.total + m.bytes.received.total, 'lower', 'bytes', { better: 'fewer bytes than', worse: 'more bytes than', same: 'the same bytes as' }, formatSmallBytes);
  if (bytes.length > 0) {
    let hpack = '';
    if (ka) {
      const h2Overhead = h2.bytes.sent.overhead + h2.bytes.received.overhead;
      const kaOverhead = ka.bytes.sent.overhead + ka.bytes.received.overhead;
      const c = compare(h2Overhead, kaOverhead, 'lower');
      if (c.winner === 'a') hpack = `; its protocol overhead was ${formatSmallBytes(h2Overhead)} against ${formatSmallBytes(kaOverhead)} over HTTP/1.1 — repeated headers travel as HPACK table indexes`;
      else hpack = `; its protocol overhead was ${formatSmallBytes(h2Overhead)} against ${formatSmallBytes(kaOverhead)} over HTTP/1.1`;
    }
    out.push(`Per exchange HTTP/2 (${formatCount(h2.connections.opened)} connection${h2.connections.opened === 1 ? '' : 's'}${streams}) moved ${bytes.join(' and ')}${hpack}.`);
  }
  const p50 = against((m) => m.latencyUs.p50, 'lower', 'p50', { better: 'lower than', worse: 'higher than', same: 'the same as' }, formatUs);
  if (p50.length > 0) out.push(`HTTP/2's p50 round trip was ${p50.join(' and ')}.`);
  const tput = against((m) => m.throughputPerSec, 'higher', 'throughput', { better: 'more exchanges per second than', worse: 'fewer exchanges per second than', same: 'as many exchanges per second as' }, (n) => `${formatCount(n)}/s`);
  if (tput.length > 0) out.push(`HTTP/2 completed ${tput.join(' and ')}.`);
  const server = against((m) => m.serverCpuUs, 'lower', 'server CPU', { better: 'less server CPU than', worse: 'more server CPU than', same: 'the same server CPU as' }, formatSmallUs);
  const client = against((m) => m.generatorCpuUs, 'lower', 'client CPU', { better: 'less client CPU than', worse: 'more client CPU than', same: 'the same client CPU as' }, formatSmallUs);
  if (server.length > 0 || client.length > 0) out.push(`Per exchange HTTP/2 cost ${[...server, ...client].join('; ')}.`);
  return out;
}
