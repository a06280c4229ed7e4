// docs/CI.md is executable: its scenario, baseline recipe, GitHub Actions job and GitLab job are
// taken out of the page and run with bash against the demo target (see "What the test emulates"
// there). Once as recorded — the jobs pass and leave their reports — and once with the service
// five times slower — the comparison must fail the job with exit 3, and say p50 got worse.
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, globSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { BIN } from './support/cliProcess.ts';
import { readJunit } from './support/junitReader.ts';

const root = join(import.meta.dirname, '..');
const page = readFileSync(join(root, 'docs/CI.md'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'barrage-ci-docs-'));
const shims = join(work, '.shims');

/** The fenced block after `<!-- ci-test: NAME -->`, with a free port instead of 8080 (each job its own: they run at once). */
function block(name: string, port: number): string {
  const m = new RegExp(`<!-- ci-test: ${name} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(page);
  if (!m) throw new Error(`docs/CI.md has no block marked ci-test: ${name}`);
  return m[1].replaceAll('8080', String(port));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** Bash as CI runs it (-e, pipefail), in its own process group, which is ended afterwards with everything it left running. */
function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd,
      env: { ...process.env, ...env, PATH: `${shims}:${process.env.PATH}` },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const limit = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(limit);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** Ends what a job left running (the service it started in the background): its process group. */
function endGroupOf(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // The group is gone already.
    }
  }
}

/** A fresh checkout: the scenario and the recorded baseline, as a repository would hold them. */
function checkout(name: string, scenario: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'load'), { recursive: true });
  writeFileSync(join(dir, 'load/checkout.json'), scenario);
  cpSync(join(work, 'recorded/load/baseline.json'), join(dir, 'load/baseline.json'));
  return dir;
}

interface StepOutcome {
  name: string;
  code: number | 'skipped' | 'checked';
  output: string;
}

/** GitHub Actions, as far as this job needs: job env, one shell per step, `!cancelled()`, the summary file. */
async function runGithubJob(dir: string, port: number): Promise<{ steps: StepOutcome[]; failed: boolean; summary: string }> {
  const workflow = parseYaml(block('github', port)) as { jobs: Record<string, { env?: Record<string, string>; steps: Array<Record<string, unknown>> }> };
  const job = Object.values(workflow.jobs)[0];
  const summaryFile = join(dir, '.step-summary.md');
  writeFileSync(summaryFile, '');
  const env = { ...job.env, GITHUB_STEP_SUMMARY: summaryFile, CI: 'true' };
  const steps: StepOutcome[] = [];
  let failed = false;
  try {
    for (const step of job.steps) {
      const name = String(step.name ?? step.run ?? step.uses);
      const condition = step.if === undefined ? 'success()' : String(step.if);
      expect(['success()', '${{ !cancelled() }}']).toContain(condition);
      if (failed && condition === 'success()') {
        steps.push({ name, code: 'skipped', output: '' });
        continue;
      }
      if (typeof step.uses === 'string') {
        checkAction(step.uses, (step.with ?? {}) as Record<string, string>, dir);
        steps.push({ name, code: 'checked', output: '' });
        continue;
      }
      const r = await bash(String(step.run), dir, env);
      steps.push({ name, code: r.code, output: r.output });
      if (r.code !== 0) failed = true;
    }
  } finally {
    // The service a step started in the background outlives that step's shell, as on a runner.
    endGroupOf(await listGroups(dir));
  }
  return { steps, failed, summary: readFileSync(summaryFile, 'utf8') };
}

/** The actions the job uses: only their inputs are checked — the files they would take must exist. */
function checkAction(uses: string, inputs: Record<string, string>, dir: string): void {
  const action = uses.split('@')[0];
  if (action === 'actions/upload-artifact') {
    expect(statSync(join(dir, inputs.path)).isDirectory()).toBe(true);
    expect(globSync(join(inputs.path, '*'), { cwd: dir }).length).toBeGreaterThan(0);
  } else if (action === 'mikepenz/action-junit-report') {
    const files = globSync(inputs.report_paths, { cwd: dir });
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) readJunit(readFileSync(join(dir, f), 'utf8'));
  } else {
    expect(['actions/checkout', 'actions/setup-node']).toContain(action);
  }
}

/** GitLab CI: the script in one shell, stopping at the first failing line; artifacts checked. */
async function runGitlabJob(dir: string, port: number): Promise<{ code: number; output: string }> {
  const config = parseYaml(block('gitlab', port)) as Record<string, { variables?: Record<string, string>; script: string[]; artifacts: { paths: string[]; reports: { junit: string } } }>;
  const job = Object.values(config)[0];
  let r;
  try {
    r = await bash(job.script.join('\n'), dir, { ...job.variables, CI: 'true', GITLAB_CI: 'true' });
  } finally {
    endGroupOf(await listGroups(dir));
  }
  for (const p of job.artifacts.paths) expect(existsSync(join(dir, p))).toBe(true);
  const junit = globSync(job.artifacts.reports.junit, { cwd: dir });
  expect(junit.length).toBeGreaterThan(0);
  for (const f of junit) readJunit(readFileSync(join(dir, f), 'utf8'));
  return r;
}

/**
 * Process groups of the background services a job started: the demo target writes nothing we
 * can key on, so the groups are found by their command line and working directory (our own
 * children only: the target's cwd is this test's temporary folder).
 */
async function listGroups(dir: string): Promise<number[]> {
  const r = await new Promise<string>((resolve) => {
    const ps = spawn('ps', ['-eo', 'pid=,pgid=,args='], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    ps.stdout.on('data', (d: Buffer) => (out += d.toString()));
    ps.on('close', () => resolve(out));
  });
  const groups = new Set<number>();
  for (const line of r.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!m || !m[3].includes(BIN) || !m[3].includes(' target ')) continue;
    try {
      if (readFileSync(`/proc/${m[1]}/environ`, 'latin1').includes(dir) || readlinkCwd(m[1]).startsWith(dir)) groups.add(Number(m[2]));
    } catch {
      // Gone meanwhile.
    }
  }
  return [...groups];
}

function readlinkCwd(pid: string): string {
  return readlinkSync(`/proc/${pid}/cwd`);
}

function junitOf(dir: string, file: string) {
  return readJunit(readFileSync(join(dir, 'reports', file), 'utf8'));
}

beforeAll(async () => {
  const port = await freePort();
  mkdirSync(shims);
  // `npm ci`: dependencies are installed already; `npx barrage`: this checkout's command.
  writeFileSync(join(shims, 'npm'), '#!/bin/sh\n[ "$1" = ci ] && exit 0\necho "npm shim: only npm ci" >&2; exit 127\n');
  writeFileSync(join(shims, 'npx'), `#!/bin/sh\n[ "$1" = barrage ] || { echo "npx shim: only npx barrage" >&2; exit 127; }\nshift\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(shims, 'npm'), 0o755);
  chmodSync(join(shims, 'npx'), 0o755);

  // The baseline, recorded with the page's recipe.
  const recorded = join(work, 'recorded');
  mkdirSync(join(recorded, 'load'), { recursive: true });
  writeFileSync(join(recorded, 'load/checkout.json'), block('scenario load/checkout.json', port));
  let r;
  try {
    r = await bash(block('baseline', port), recorded, { BARRAGE_DB: join(recorded, 'history.db') });
  } finally {
    endGroupOf(await listGroups(recorded));
  }
  expect(r.code, r.output).toBe(0);
  expect(JSON.parse(readFileSync(join(recorded, 'load/baseline.json'), 'utf8'))).toMatchObject({ format: 'barrage-run', runs: [{ summary: { status: 'completed' } }] });
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const scenario = (port: number) => block('scenario load/checkout.json', port);
const slower = (port: number) => scenario(port).replace('delay?ms=20', 'delay?ms=100');

// The three jobs run at once (55 s → about 33 s of the serial load queue on a quiet machine:
// the GitLab pair, one after the other, is the longest). Each has its own checkout, history,
// port and target; their loads are light (100 requests/s against a 20 or 100 ms delay, far
// from either core's limit), so they do not measure each other: the known answers are a 5×
// slower service that must fail the comparison, and the same service that must pass it at the
// page's 20% latency noise — measured against a baseline recorded alone, before them.
describe.concurrent('docs/CI.md', () => {
  it('the GitHub Actions job passes as recorded and leaves every report', async () => {
    const port = await freePort();
    const dir = checkout('github-pass', scenario(port));
    const job = await runGithubJob(dir, port);
    expect(job.failed, JSON.stringify(job.steps, null, 1)).toBe(false);
    expect(job.steps.map((s) => s.code)).toEqual(['checked', 'checked', 0, 0, 0, 0, 0, 'checked', 'checked']);
    expect(junitOf(dir, 'thresholds.xml').totals).toEqual({ tests: 3, failures: 0, skipped: 0 });
    expect(junitOf(dir, 'regression.xml').totals).toMatchObject({ tests: 3, failures: 0 });
    expect(readFileSync(join(dir, 'reports/report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    expect(job.summary).toMatch(/^### Barrage run \d+: checkout$/m);
    expect(job.summary).toMatch(/^\*\*passed\*\*: all 2 thresholds/m);
    expect(job.summary).toMatch(/^### Barrage compare: run \d+ against run \d+$/m);
  }, 120_000);

  it('the GitHub Actions job fails with exit 3 on a regression against the baseline, reports still written', async () => {
    const port = await freePort();
    const dir = checkout('github-regression', slower(port));
    const job = await runGithubJob(dir, port);
    expect(job.failed, JSON.stringify(job.steps, null, 1)).toBe(true);
    const byName = Object.fromEntries(job.steps.map((s) => [s.name, s]));
    expect(byName['Load test with thresholds'].code).toBe(0); // 100 ms is still within p99 < 1s
    expect(byName['Compare with the baseline'].code, byName['Compare with the baseline'].output).toBe(3);
    expect(byName['Job summary'].code).toBe(0);
    const { cases } = junitOf(dir, 'regression.xml');
    expect(cases.find((c) => c.name === 'p50 latency')?.failure?.message).toMatch(/% higher .* — worse$/);
    expect(job.summary).toMatch(/^\*\*WORSE\*\*: .*p50 latency/m);
  }, 120_000);

  it('the GitLab job passes as recorded and fails with exit 3 on a regression', async () => {
    const passPort = await freePort();
    const pass = await runGitlabJob(checkout('gitlab-pass', scenario(passPort)), passPort);
    expect(pass.code, pass.output).toBe(0);
    const port = await freePort();
    const dir = checkout('gitlab-regression', slower(port));
    const fail = await runGitlabJob(dir, port);
    expect(fail.code, fail.output).toBe(3);
    expect(junitOf(dir, 'regression.xml').cases.find((c) => c.name === 'p50 latency')?.failure).not.toBeNull();
    expect(existsSync(join(dir, 'reports/report.html'))).toBe(true);
  }, 180_000);
});
