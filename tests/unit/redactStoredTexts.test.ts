// `runs redact` on a run stored before the redaction rules: besides its configuration, the texts
// stored with it could quote a secret — a poll run's failure reason held its URL with the
// password (before 6d99760), a capacity step was named after its URL (before 8540ab1), notes and
// a shard's copy of the scenario. Redacting must reach them all, and leave other text alone.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type RunStore } from '../../src/main/store/runStore.ts';
import { collectEnvironment } from '../../src/main/store/environment.ts';
import { redactUrlsInText } from '../../src/shared/redact.ts';
import type { Scenario } from '../../src/shared/scenario.ts';
import { redactSecretsInText, secretValuesOf } from '../../src/shared/storedSecrets.ts';
import { syntheticRun } from '../fixtures/syntheticRun.ts';
import { tempDbPath } from '../fixtures/tempStore.ts';

const stores: RunStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

describe('secrets inside stored texts', () => {
  it('finds URL credentials in free text by their place, and known secret values anywhere', () => {
    expect(redactUrlsInText('load worker 1 failed: http://feed:pa55word@127.0.0.1:9/ did not answer')).toBe('load worker 1 failed: http://feed:***@127.0.0.1:9/ did not answer');
    expect(redactUrlsInText('ws://t0k@host/x and https://a:b@c/ and mailto:a@b and http://host/@x')).toBe('ws://***@host/x and https://a:***@c/ and mailto:a@b and http://host/@x');
    const scenario = { url: 'http://alice:p%40ss-word@127.0.0.1:9/api', headers: { Authorization: 'Bearer t0ken-abc', 'X-Trace': 'visible-value' } };
    const secrets = secretValuesOf(scenario);
    // As written and decoded; the header's whole value and its credential; never a plain header.
    expect(secrets).toEqual(expect.arrayContaining(['p%40ss-word', 'p@ss-word', 'Bearer t0ken-abc', 't0ken-abc']));
    expect(secrets).not.toContain('visible-value');
    expect(redactSecretsInText('401 for token t0ken-abc (visible-value); password p@ss-word', secrets)).toBe('401 for token *** (visible-value); password ***');
    // Too short to search for in free text: it would match inside words.
    expect(secretValuesOf({ url: 'http://u:abc@h/' })).toEqual([]);
  });

  it('runs redact rewrites an old run’s failure, notes, names and shard copies, and no byte of the secret stays in the file', () => {
    const db = tempDbPath();
    const s = openStore(db);
    stores.push(s);
    const url = 'http://feed:pa55word@127.0.0.1:9/events';
    const base = syntheticRun();
    const config = { ...base.config, url, name: `${url} @ 100/s`, headers: { 'X-Api-Key': 'k3y-value-1' } } as Scenario;
    const environment = { ...collectEnvironment(config, 1), shard: { index: 1, count: 2, startAt: null, scenario: config } };
    // As an old version stored it: the configuration, its name and the texts with the secrets.
    const id = s.createRun({ config, environment, scenarioName: `${url} @ 100/s`, notes: 'key k3y-value-1 rotated' });
    const failure = `load worker 1 failed: ${url} did not answer {"cursor":N,…} (is it a poll endpoint?)`;
    s.finishRun(id, {
      ...base,
      config,
      summary: { ...base.summary, status: 'failed', failure, notes: [`stopped: ${url} refused`], thresholds: [{ expression: 'p99 < 1s', metric: 'p99', limit: 1e6, unit: 'us', actual: 1, passed: true, message: 'p99 1 µs (limit < 1 s): passed' }] },
    });
    // A run that never held a secret is left as it was.
    const clean = syntheticRun();
    const cleanId = s.createRun({ config: clean.config, environment: collectEnvironment(clean.config, 1), notes: 'nothing to hide' });
    s.finishRun(cleanId, clean);
    const bytes = () => `${fs.readFileSync(db).toString('latin1')}${fs.existsSync(`${db}-wal`) ? fs.readFileSync(`${db}-wal`).toString('latin1') : ''}`;
    expect(bytes()).toContain('pa55word');

    expect(s.redactSecrets()).toEqual([id]);
    const run = s.getRun(id)!;
    expect(run.summary!.failure).toBe('load worker 1 failed: http://feed:***@127.0.0.1:9/events did not answer {"cursor":N,…} (is it a poll endpoint?)');
    expect(run.summary!.notes).toEqual(['stopped: http://feed:***@127.0.0.1:9/events refused']);
    expect(run.summary!.thresholds![0].message).toBe('p99 1 µs (limit < 1 s): passed');
    expect(run.notes).toBe('key *** rotated');
    expect(run.scenarioName).toBe('http://feed:***@127.0.0.1:9/events @ 100/s');
    expect(run.config.name).toBe('http://feed:***@127.0.0.1:9/events @ 100/s');
    expect(run.config.headers).toEqual({ 'X-Api-Key': '***' });
    expect(run.environment.shard!.scenario.url).toBe('http://feed:***@127.0.0.1:9/events');
    const everything = JSON.stringify(run);
    expect(everything).not.toMatch(/pa55word|k3y-value-1/);
    expect(bytes()).not.toMatch(/pa55word|k3y-value-1/);
    expect(s.getRun(cleanId)!.notes).toBe('nothing to hide');
    // Nothing left: a second pass changes nothing.
    expect(s.redactSecrets()).toEqual([]);
  });
});
