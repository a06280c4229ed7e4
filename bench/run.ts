// `npm run bench [-- --quick] [-- --only http|h2|ws|sse|flow|scale|scale50k|store|ab[,…]] [-- --ab-tries N] [-- --json FILE]`
// (ab, the A/B detection row of issue #18, and scale50k, 50,000 WebSocket connections held (issue #14), run
// only when asked for: about 80 s per try and pair; about a minute and ~1.5 GB of memory.)
//
// Barrage against its references, side by side, on loopback: a measurement, not a test. It
// prints a table (figure, Barrage, reference, ratio, goal, pass/FAIL) and exits 0 whatever the
// figures are; it exits non-zero only on bad arguments. See docs/PERFORMANCE.md.
import { existsSync, writeFileSync } from 'node:fs';
import { abBench } from './abBench.ts';
import { describeMachine, machineBusyPercent, pinGenerator, settingsFor, type SectionResult } from './common.ts';
import { httpBench } from './httpBench.ts';
import { h2Bench } from './h2Bench.ts';
import { log, renderTable, verdictOf, type Row } from './report.ts';
import { scaleBench } from './scaleBench.ts';
import { scale50kBench } from './scale50kBench.ts';
import { killAllTargets } from './targetProcess.ts';
import { wsBench } from './wsBench.ts';
import { sseBench } from './sseBench.ts';
import { flowBench } from './flowBench.ts';
import { startupBench } from './startupBench.ts';
import { reuseBench } from './reuseBench.ts';

const SECTIONS = ['http', 'h2', 'ws', 'sse', 'flow', 'startup', 'reuse', 'scale', 'scale50k', 'store', 'ab'] as const;
type Section = (typeof SECTIONS)[number];
/** Sections left out unless named with --only: they take minutes. */
const ON_REQUEST: ReadonlySet<Section> = new Set(['ab', 'scale50k']);
/** The whole bench is bounded: past this, what was measured is printed and the rest abandoned. */
const WATCHDOG_SEC = 600;

const USAGE = `usage: npm run bench [-- [--quick] [--only ${SECTIONS.join('|')}[,…]] [--rounds N] [--ab-tries N] [--no-pin] [--json FILE]]`;

function parseArgs(argv: string[]): { quick: boolean; only: Set<Section>; json?: string; rounds?: number; pin: boolean; abTries: number } {
  let quick = false;
  let abTries = 3;
  let pin = true;
  let rounds: number | undefined;
  let json: string | undefined;
  const only = new Set<Section>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${name} needs a value`);
      return v;
    };
    if (name === '--quick') quick = true;
    else if (name === '--no-pin') pin = false;
    else if (name === '--only') {
      for (const part of value().split(',')) {
        if (!(SECTIONS as readonly string[]).includes(part)) usage(`--only: unknown section "${part}" (one of ${SECTIONS.join(', ')})`);
        only.add(part as Section);
      }
    } else if (name === '--json') json = value();
    else if (name === '--rounds') {
      rounds = Number(value());
      if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) usage('--rounds must be a whole number from 1 to 10');
    }
    else if (name === '--ab-tries') {
      abTries = Number(value());
      if (!Number.isInteger(abTries) || abTries < 1 || abTries > 10) usage('--ab-tries must be a whole number from 1 to 10');
    }
    else if (name === '--help' || name === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else usage(`unknown argument "${arg}"`);
  }
  if (only.size === 0) for (const s of SECTIONS) if (!ON_REQUEST.has(s)) only.add(s);
  return { quick, only, json, rounds, pin, abTries };
}

function usage(message: string): never {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

async function storeSection(): Promise<SectionResult | { skipped: string }> {
  const file = new URL('./storeBench.ts', import.meta.url);
  if (!existsSync(file)) return { skipped: 'bench/storeBench.ts is not there (yet)' };
  const mod = (await import(file.href)) as { benchStore?: () => unknown };
  if (typeof mod.benchStore !== 'function') return { skipped: 'bench/storeBench.ts exports no benchStore()' };
  const out = await mod.benchStore();
  // Its figures are absolute (no reference): { name, value, unit, goal?: "< 50 ms" }. Rows in
  // this bench's own shape are taken as they are; anything else is printed as it came.
  const list = Array.isArray(out) ? out : (out as { rows?: unknown } | undefined)?.rows;
  if (!Array.isArray(list)) {
    log(`store: benchStore() returned ${JSON.stringify(out)}`);
    return { rows: [], raw: out };
  }
  const rows: Row[] = [];
  for (const item of list as Array<Record<string, unknown>>) {
    if (item && typeof item.figure === 'string') {
      const r = item as Partial<Row> & { figure: string };
      rows.push({
        section: r.section ?? 'store',
        figure: r.figure,
        barrage: typeof r.barrage === 'number' ? r.barrage : null,
        reference: typeof r.reference === 'number' ? r.reference : null,
        goal: r.goal ?? null,
        absolute: r.absolute,
        unit: r.unit,
        note: r.note,
      });
    } else if (item && typeof item.name === 'string') {
      const goal = parseGoal(item.goal);
      rows.push({
        section: 'store',
        figure: item.name.replace(/^store:\s*/, ''),
        barrage: typeof item.value === 'number' ? item.value : null,
        reference: null,
        goal,
        absolute: true,
        unit: typeof item.unit === 'string' ? item.unit : undefined,
        note: goal === null && typeof item.goal === 'string' ? `goal: ${item.goal}` : undefined,
      });
    }
  }
  return { rows, raw: out };
}

/** "< 50 ms", "<= 10", "≥ 2000 conn/s" → a goal on the figure itself; anything else: none. */
function parseGoal(text: unknown): Row['goal'] {
  if (typeof text !== 'string') return null;
  const m = /^\s*(<=?|≤|>=?|≥)\s*([\d.,]+)/.exec(text);
  if (!m) return null;
  const ratio = Number(m[2].replace(/,/g, ''));
  if (!Number.isFinite(ratio)) return null;
  return { kind: m[1].startsWith('<') || m[1] === '≤' ? 'max' : 'min', ratio };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const settings = settingsFor(args.quick);
  if (args.rounds !== undefined) settings.rounds = args.rounds;
  const machine = describeMachine();
  const began = performance.now();
  log(
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, Linux ${machine.kernel}, ` +
      `fd limit ${machine.fdLimit}, ephemeral ports ${machine.ephemeralPorts}`,
  );
  log(`sections: ${[...args.only].join(', ')}${args.quick ? ' (quick)' : ''}; ${settings.durationSec} s per run, ${settings.rounds} rounds A B A B`);

  const pinned = args.pin ? pinGenerator() : { notPinned: '--no-pin' };
  const pinText = 'notPinned' in pinned ? `not pinned (${pinned.notPinned})` : `generator on core ${pinned.generator}, target on core ${pinned.target} (taskset)`;
  log(`cores: ${pinText}`);

  // Others' load makes every figure here noisier: say how busy the machine was before we began.
  const busyBefore = await machineBusyPercent(1000);
  if (busyBefore !== null) {
    log(`machine busy before the bench: ${busyBefore}% of all cores${busyBefore >= 15 ? ' — other processes are running: expect noisy figures (try --rounds 4)' : ''}`);
  }

  const rows: Row[] = [];
  const raw: Record<string, unknown> = { busyBeforePercent: busyBefore, pinning: pinned };
  let finished = false;
  const report = () => {
    if (finished) return;
    finished = true;
    const elapsed = (performance.now() - began) / 1000;
    console.log('');
    console.log(
      `Barrage bench — ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}` +
        `${args.quick ? ', --quick' : ''}, ${settings.rounds} rounds A B A B (each side's median; ratio = median of the pairs' ratios); ${pinText}` +
        (busyBefore !== null ? `; machine ${busyBefore}% busy before start` : ''),
    );
    console.log(renderTable(rows));
    const failed = rows.filter((r) => verdictOf(r) === 'FAIL');
    const missing = rows.filter((r) => verdictOf(r) === 'n/a');
    console.log('');
    console.log(
      `${rows.filter((r) => verdictOf(r) === 'pass').length} goals met, ${failed.length} missed` +
        (failed.length ? ` (${failed.map((r) => `${r.section}: ${r.figure}`).join('; ')})` : '') +
        (missing.length ? `, ${missing.length} not measured` : '') +
        ` — ${elapsed.toFixed(0)} s. A measurement, not a test: the exit code is 0 either way.`,
    );
    if (args.json) {
      writeFileSync(args.json, JSON.stringify({ machine, settings, rows, raw, elapsedSec: elapsed }, null, 2));
      log(`raw figures written to ${args.json}`);
    }
  };

  // Each A/B try (a regression and an A/A `barrage ab`, 10 runs of 7 s each) takes about 170 s.
  const watchdogSec = WATCHDOG_SEC + (args.only.has('ab') ? args.abTries * 240 : 0);
  const watchdog = setTimeout(() => {
    log(`the bench ran past ${watchdogSec} s: printing what was measured and stopping`);
    killAllTargets();
    report();
    process.exit(0);
  }, watchdogSec * 1000);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAllTargets();
      report();
      process.exit(130);
    });
  }

  const sections: Record<Exclude<Section, 'store'>, () => Promise<SectionResult>> = {
    ab: () => abBench(args.abTries),
    http: () => httpBench(settings),
    ws: () => wsBench(settings),
    sse: () => sseBench(settings),
    flow: () => flowBench(settings),
    h2: () => h2Bench(settings),
    startup: () => startupBench(settings),
    reuse: () => reuseBench(settings),
    scale: () => scaleBench(settings),
    scale50k: () => scale50kBench(),
  };
  for (const section of SECTIONS) {
    if (!args.only.has(section)) continue;
    const t0 = performance.now();
    log(`── ${section} ──`);
    try {
      const out = section === 'store' ? await storeSection() : await sections[section]();
      if ('skipped' in out) {
        log(`${section}: skipped — ${out.skipped}`);
        rows.push({ section, figure: '(section)', barrage: null, reference: null, goal: null, note: `skipped: ${out.skipped}` });
      } else {
        rows.push(...out.rows);
        raw[section] = out.raw;
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log(`${section}: failed — ${message}`);
      rows.push({ section, figure: '(section)', barrage: null, reference: null, goal: { kind: 'min', ratio: 1 }, note: `failed: ${message}` });
      raw[section] = { error: message, stack: err instanceof Error ? err.stack : undefined };
    } finally {
      killAllTargets();
    }
    log(`${section}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  clearTimeout(watchdog);
  report();
}

await main();
// Anything the engine or a reference left behind (a socket, a timer) must not keep the bench up.
process.exit(0);
