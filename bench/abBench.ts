// `npm run bench -- --only ab`: does `barrage ab` catch a real 10% server-side regression, and
// does it stay quiet when nothing changed? A measurement, not a timed test (issue #18).
//
// The demo target (its own process, pinned to the target core) spends a known CPU time per
// request on GET /cpu?us=N. Scenario "base" asks for 200 µs, "slow" for 220 µs: the server got
// 10% more expensive per request (throughput about −8%, p50 about +9% at this load). Each try
// is one `barrage ab` as a real process (pinned with the bench to the generator core), --rounds 5,
// 7 s runs with a 1 s warm-up: `base slow` should come out worse ("caught", counted per figure:
// throughput, p50, p99), and `base base-again` (the same configuration under another name) must
// not be called worse or better in any figure ("false call", counted per figure too).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row } from './report.ts';
import { log } from './report.ts';
import type { SectionResult } from './common.ts';
import { startTargetProcess } from './targetProcess.ts';

const BARRAGE = fileURLToPath(new URL('../bin/barrage.js', import.meta.url));
const BASE_US = 200;
const SLOW_US = 220;
const RUN_SEC = 7;
const ROUNDS = 5;

export interface AbTry {
  kind: 'regression' | 'A/A';
  exitCode: number;
  groupId: string | null;
  verdicts: Array<{ figure: string; verdict: string; sentence: string }>;
  wallSec: number;
}

export async function abBench(tries: number): Promise<SectionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'barrage-abbench-'));
  const target = await startTargetProcess();
  const env = { ...process.env, BARRAGE_DB: join(dir, 'history.db') };
  const results: AbTry[] = [];
  try {
    for (const [name, us] of [['base', BASE_US], ['base-again', BASE_US], ['slow', SLOW_US]] as const) {
      const file = join(dir, `${name}.json`);
      writeFileSync(
        file,
        JSON.stringify({ protocol: 'http', name, url: `${target.httpUrl}/cpu?us=${us}`, connections: 10, workers: 1, durationSec: RUN_SEC, warmupSec: 1 }),
      );
      await barrage(['scenarios', 'save', file], env);
    }
    for (let i = 0; i < tries; i++) {
      // Alternate which experiment goes first, so slow drift of the machine does not favour one.
      const order: Array<AbTry['kind']> = i % 2 === 0 ? ['regression', 'A/A'] : ['A/A', 'regression'];
      for (const kind of order) {
        const t0 = performance.now();
        const b = kind === 'regression' ? 'slow' : 'base-again';
        const r = await barrage(['ab', 'base', b, '--rounds', String(ROUNDS), '--json', '-q'], env);
        const doc = parse(r.stdout);
        const verdicts = (doc?.comparison?.verdicts ?? []) as AbTry['verdicts'];
        const one: AbTry = { kind, exitCode: r.code, groupId: doc?.groupId ?? null, verdicts, wallSec: (performance.now() - t0) / 1000 };
        results.push(one);
        log(`ab ${kind} try ${i + 1}/${tries}: exit ${r.code}, ${one.wallSec.toFixed(0)} s — ${verdicts.map((v) => v.sentence).join(' | ') || r.stderr.trim()}`);
      }
    }
  } finally {
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows: rows(results, tries), raw: results };
}

const FIGURES = ['throughput', 'p50', 'p99'] as const;

/**
 * One row per figure for each experiment: how many regression tries called it "worse" (the goal:
 * at least 4 of 5 for throughput and p50; p99 has no goal: its noise decides how many rounds it
 * needs, and the note carries what `ab` said about that), and how many A/A tries called it
 * different at all (the goal: none).
 */
export function rows(results: readonly AbTry[], tries: number): Row[] {
  const regression = results.filter((r) => r.kind === 'regression');
  const aa = results.filter((r) => r.kind === 'A/A');
  const verdictOf = (r: AbTry, figure: string) => r.verdicts.find((v) => v.figure === figure)?.verdict ?? 'missing';
  const out: Row[] = [];
  for (const figure of FIGURES) {
    const caught = regression.filter((r) => verdictOf(r, figure) === 'worse').length;
    const roundsSaid = regression
      .map((r) => {
        const sentence = r.verdicts.find((v) => v.figure === figure)?.sentence ?? '';
        return /about (\d+) rounds would detect/.exec(sentence)?.[1] ?? (/more than (\d+) rounds would be needed/.exec(sentence) ? 'more than 1000' : undefined);
      })
      .filter((n): n is string => n !== undefined);
    out.push({
      section: 'ab',
      figure: `ab --rounds ${ROUNDS}, ${RUN_SEC} s runs: 10% server regression (${BASE_US}→${SLOW_US} µs CPU/request) caught in ${figure}, share of tries`,
      barrage: regression.length ? caught / regression.length : null,
      reference: null,
      goal: figure === 'p99' ? null : { kind: 'min', ratio: 0.8 },
      absolute: true,
      note:
        `${caught} of ${regression.length} tries "worse" in ${figure}` +
        ` (${regression.map((r) => verdictOf(r, figure)).join(', ') || 'none run'})` +
        (roundsSaid.length ? `; when not caught, ab said about ${roundsSaid.join(', ')} rounds would detect a 10% change` : ''),
    });
  }
  for (const figure of FIGURES) {
    const falseCalls = aa.filter((r) => ['worse', 'better'].includes(verdictOf(r, figure))).length;
    out.push({
      section: 'ab',
      figure: `ab --rounds ${ROUNDS}: A/A tries called different in ${figure}`,
      barrage: aa.length ? falseCalls : null,
      reference: null,
      goal: { kind: 'max', ratio: 0 },
      absolute: true,
      note: `${falseCalls} of ${aa.length} A/A tries (${tries} requested): ${aa.map((r) => verdictOf(r, figure)).join(', ') || 'none run'}`,
    });
  }
  return out;
}

function parse(text: string): { groupId?: string; comparison?: { verdicts?: unknown[] } } | null {
  try {
    return JSON.parse(text) as { groupId?: string; comparison?: { verdicts?: unknown[] } };
  } catch {
    return null;
  }
}

function barrage(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BARRAGE, ...args], { env, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err && typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : err ? 1 : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
