// Load profiles (stages): a list of (duration, target) steps, each ramping linearly from the
// previous target — k6's `stages` and `ramping-arrival-rate`. The target is a number of
// connections (closed model, WebSocket echo/push) or an arrival rate (open model, WebSocket rate
// mode). The profile starts at 0; a stage of 0 s jumps to its target at once.
//
// Everything here is pure arithmetic shared by the engine (when is the k-th arrival due?), the
// store and reports (stage boundaries, the stage a second belongs to) and the app (preview).
//
// The open model stays free of coordinated omission under a changing rate: the k-th arrival of
// a profile is due at the instant t where the integral of the rate from 0 to t reaches k
// (N(t) = k). With a constant rate r that is k / r, the old schedule; on a linear ramp N(t) is
// quadratic within the stage and is inverted in closed form.

export interface Stage {
  /** Length of the stage in seconds (0: jump to the target at once). */
  durationSec: number;
  /** Connections, or arrivals per second, reached at the end of the stage. */
  target: number;
}

export type StageTarget = 'connections' | 'rate';

/** One stage placed on the run's time axis. */
export interface StageSpan {
  /** 0-based; shown to people as index + 1 ("stage 2"). */
  index: number;
  startSec: number;
  endSec: number;
  from: number;
  to: number;
}

export function profileDurationSec(stages: readonly Stage[]): number {
  let total = 0;
  for (const s of stages) total += s.durationSec;
  return total;
}

export function peakTarget(stages: readonly Stage[]): number {
  let peak = 0;
  for (const s of stages) peak = Math.max(peak, s.target);
  return peak;
}

export function stageSpans(stages: readonly Stage[]): StageSpan[] {
  const spans: StageSpan[] = [];
  let at = 0;
  let from = 0;
  stages.forEach((s, index) => {
    spans.push({ index, startSec: at, endSec: at + s.durationSec, from, to: s.target });
    at += s.durationSec;
    from = s.target;
  });
  return spans;
}

/** The planned target at `tSec` after the start; after the last stage, its target holds. */
export function targetAt(stages: readonly Stage[], tSec: number): number {
  let at = 0;
  let from = 0;
  for (const s of stages) {
    const end = at + s.durationSec;
    if (tSec < end) return s.durationSec > 0 ? from + ((s.target - from) * (tSec - at)) / s.durationSec : s.target;
    at = end;
    from = s.target;
  }
  return from;
}

/**
 * The stage second `t` (covering [t, t+1)) belongs to: the stage holding its midpoint, so a
 * stage boundary inside a second gives that second to the stage that had more of it. Stages of
 * 0 s hold no second. Seconds past the end belong to the last stage.
 */
export function stageOfSecond(stages: readonly Stage[], t: number): number {
  const mid = t + 0.5;
  let at = 0;
  for (let i = 0; i < stages.length; i++) {
    at += stages[i].durationSec;
    if (mid < at) return i;
  }
  return Math.max(0, stages.length - 1);
}

/** Points of the planned profile for a chart: (seconds, target), corners only. */
export function planPoints(stages: readonly Stage[]): Array<[number, number]> {
  const points: Array<[number, number]> = [[0, 0]];
  let at = 0;
  for (const s of stages) {
    at += s.durationSec;
    points.push([at, s.target]);
  }
  return points;
}

/** A stage boundary on a time chart: where a stage that lasts begins, labelled as in the per-stage table. */
export interface StageMark {
  /** Seconds after the start. */
  x: number;
  /** "stage 2": stages are numbered from 1, 0 s jumps included, as in the table and thresholds. */
  label: string;
}

/**
 * The marks of a profile's stage boundaries: one at the start of each stage that lasts (a 0 s
 * jump holds no time; the stage after it starts at the same instant and carries the mark).
 */
export function stageMarks(stages: readonly Stage[]): StageMark[] {
  return stageSpans(stages)
    .filter((s) => s.endSec > s.startSec)
    .map((s) => ({ x: s.startSec, label: `stage ${s.index + 1}` }));
}

/**
 * The planned profile as a line for a chart whose x values must rise strictly (uPlot): the
 * corners of `planPoints`, with a jump (a 0 s stage) drawn as a near-vertical step — the point
 * after it moves by a thousandth of a second.
 */
export function planLine(stages: readonly Stage[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [x, y] of planPoints(stages)) {
    const prev = out.at(-1);
    if (prev && x <= prev[0]) {
      if (y === prev[1]) continue;
      out.push([prev[0] + 0.001, y]);
    } else out.push([x, y]);
  }
  return out;
}

export function scaleStages(stages: readonly Stage[], factor: number): Stage[] {
  return stages.map((s) => ({ durationSec: s.durationSec, target: s.target * factor }));
}

/**
 * Arrival times of an open-model profile: `offsetSec(k)` is when the k-th arrival (k = 0, 1, …)
 * is due, the smallest t with ∫₀ᵗ rate = k. Cumulative counts at stage starts are precomputed,
 * so each look-up is a short scan plus one square root.
 */
export class ArrivalCurve {
  private readonly spans: StageSpan[];
  /** Arrivals due before each span starts. */
  private readonly before: number[];
  /** Arrivals in the whole profile (the integral over all stages). */
  readonly total: number;
  /** Span of the previous look-up: arrivals are asked for in order, so the scan rarely moves. */
  private cursor = 0;

  constructor(stages: readonly Stage[]) {
    this.spans = stageSpans(stages).filter((s) => s.endSec > s.startSec);
    this.before = [];
    let n = 0;
    for (const s of this.spans) {
      this.before.push(n);
      n += ((s.from + s.to) / 2) * (s.endSec - s.startSec);
    }
    this.total = n;
  }

  /** Arrivals due in [0, t): the integral of the rate. */
  countBefore(tSec: number): number {
    let n = 0;
    for (let i = 0; i < this.spans.length; i++) {
      const s = this.spans[i];
      if (tSec <= s.startSec) break;
      const d = s.endSec - s.startSec;
      const u = Math.min(tSec, s.endSec) - s.startSec;
      n = this.before[i] + s.from * u + ((s.to - s.from) * u * u) / (2 * d);
    }
    return n;
  }

  /** Due time (s after the start) of arrival k; Infinity when the profile holds fewer arrivals. */
  offsetSec(k: number): number {
    if (k < 0 || k >= this.total) return Infinity;
    // The smallest t: an arrival exactly at a stage's end belongs to that stage, not to the
    // start of a later one (a stage at rate 0 may lie between).
    if (this.cursor >= this.spans.length || (this.cursor > 0 && k <= this.before[this.cursor])) this.cursor = 0;
    let i = this.cursor;
    while (i + 1 < this.spans.length && this.before[i + 1] < k) i++;
    this.cursor = i;
    const s = this.spans[i];
    const d = s.endSec - s.startSec;
    const a = (s.to - s.from) / d; // the rate's slope in this stage
    const left = k - this.before[i];
    // Solve from·u + a·u²/2 = left for u ≥ 0, in the form that stays accurate for a → 0 and
    // for from = 0: u = 2·left / (from + √(from² + 2·a·left)).
    const root = Math.sqrt(Math.max(0, s.from * s.from + 2 * a * left));
    const denominator = s.from + root;
    const u = denominator > 0 ? (2 * left) / denominator : 0;
    return s.startSec + Math.min(u, d);
  }
}

const UNIT_SEC: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** "30s", "1m30s", "500ms", "2h", or a bare number of seconds. Throws a one-line message. */
export function parseDurationText(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    total += Number(m[1]) * UNIT_SEC[m[2]];
    pos = re.lastIndex;
  }
  if (pos === 0 || pos !== t.length) throw new Error(`"${text}" is not a duration (use e.g. 30s, 1m30s, 500ms or 2h)`);
  return total;
}

/** k6's `duration:target`, e.g. "30s:200" or "1m:0". Throws a one-line message naming the problem. */
export function parseStageText(text: string): Stage {
  const parts = text.split(':');
  if (parts.length !== 2 || parts[0].trim() === '' || parts[1].trim() === '') {
    throw new Error(`"${text}" is not a stage; write duration:target, e.g. 30s:200`);
  }
  const durationSec = parseDurationText(parts[0]);
  const targetText = parts[1].trim();
  if (!/^\d+(\.\d+)?$/.test(targetText)) throw new Error(`"${text}": the target "${targetText}" must be a number ≥ 0`);
  return { durationSec, target: Number(targetText) };
}

// ---- presets of the builder (also usable from code) ----

/** Ramp up to `peak` over `rampSec`, hold it `holdSec`, ramp down to 0 over `downSec`. */
export function rampHoldDown(peak: number, rampSec: number, holdSec: number, downSec: number): Stage[] {
  const stages: Stage[] = [
    { durationSec: rampSec, target: peak },
    { durationSec: holdSec, target: peak },
  ];
  if (downSec > 0) stages.push({ durationSec: downSec, target: 0 });
  return stages;
}

/** `steps` steps of `stepSize` each, every step held `holdSec` (a jump, then a hold). */
export function steps(count: number, stepSize: number, holdSec: number): Stage[] {
  const stages: Stage[] = [];
  for (let i = 1; i <= count; i++) {
    stages.push({ durationSec: 0, target: i * stepSize });
    stages.push({ durationSec: holdSec, target: i * stepSize });
  }
  return stages;
}

/** A base level, a sudden spike to `peak` held `spikeSec`, and back to the base. */
export function spike(base: number, peak: number, baseSec: number, spikeSec: number): Stage[] {
  return [
    { durationSec: 0, target: base },
    { durationSec: baseSec, target: base },
    { durationSec: 0, target: peak },
    { durationSec: spikeSec, target: peak },
    { durationSec: 0, target: base },
    { durationSec: baseSec, target: base },
  ];
}

/** A short ramp to `level`, then a long hold (hours, for leaks and slow drift). */
export function soak(level: number, rampSec: number, holdSec: number): Stage[] {
  return [
    { durationSec: rampSec, target: level },
    { durationSec: holdSec, target: level },
  ];
}
