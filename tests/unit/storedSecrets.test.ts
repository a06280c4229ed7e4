// Issue #10 item 8: a run's stored configuration keeps the URL password and credential header
// values only when the user opts in; by default a redacted copy. A copy with the placeholder is
// refused by the engine's preflight, and running it again needs the secrets back.
import { afterEach, describe, expect, it } from 'vitest';
import { checkRunnable, failedResult, PreflightError, startRun } from '../../src/main/engine/index.ts';
import { withRerunSecrets, secretEnvVar } from '../../src/main/cli/rerunSecrets.ts';
import { MeasurementLock } from '../../src/main/services/measurementLock.ts';
import { RunService } from '../../src/main/services/runService.ts';
import { openStore, type RunStore } from '../../src/main/store/runStore.ts';
import { REDACTED, redactConfig, redactUrl } from '../../src/shared/redact.ts';
import { scenarioSchema, type Scenario } from '../../src/shared/scenario.ts';
import { configToStore, fillSecrets, redactedFields, secretFieldLabel, secretFields } from '../../src/shared/storedSecrets.ts';
import { tempDbPath } from '../fixtures/tempStore.ts';

const secretScenario = (): Scenario =>
  scenarioSchema.parse({
    protocol: 'http',
    url: 'http://alice:pa55word@127.0.0.1:9/api',
    headers: { 'X-Api-Key': 'k3y-value', 'X-Trace': 'visible' },
    durationSec: 1,
  });

const stores: RunStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

/** A run service over a real history file and an engine that ends each run at once. */
function service(): { runs: RunService; store: RunStore; sent: Scenario[] } {
  const store = openStore(tempDbPath());
  stores.push(store);
  const sent: Scenario[] = [];
  const engine = {
    startRun: (config: Scenario) => {
      sent.push(config);
      return { stop() {}, result: Promise.resolve(failedResult(config, 'fake engine')) };
    },
  };
  return { runs: new RunService(store, {}, new MeasurementLock(), engine), store, sent };
}

describe('the configuration a run stores', () => {
  it('is a redacted copy by default: the history holds neither the password nor the header value, the engine gets both', async () => {
    const { runs, store, sent } = service();
    const started = runs.start(secretScenario());
    // While it runs, the live views see the stored copy too.
    expect(runs.active()[0]?.config.headers).toEqual({ 'X-Api-Key': REDACTED, 'X-Trace': 'visible' });
    await started.done;
    const stored = store.getRun(started.runId!)!;
    expect(stored.config.url).toBe('http://alice:***@127.0.0.1:9/api');
    expect(stored.config.headers).toEqual({ 'X-Api-Key': REDACTED, 'X-Trace': 'visible' });
    expect(JSON.stringify(stored)).not.toMatch(/pa55word|k3y-value/);
    expect(sent[0].url).toContain('pa55word');
    expect(sent[0].headers['X-Api-Key']).toBe('k3y-value');
  });

  it('keeps the secrets with storeSecrets', async () => {
    const { runs, store } = service();
    const started = runs.start(secretScenario(), { storeSecrets: true });
    await started.done;
    const stored = store.getRun(started.runId!)!;
    expect(stored.config.url).toBe('http://alice:pa55word@127.0.0.1:9/api');
    expect(stored.config.headers['X-Api-Key']).toBe('k3y-value');
  });
});

describe('a redacted configuration', () => {
  it('names its redacted fields, and is filled back from answers keyed by label', () => {
    const redacted = configToStore(secretScenario(), false);
    const fields = redactedFields(redacted);
    expect(fields.map(secretFieldLabel)).toEqual(['URL password', 'header X-Api-Key']);
    const filled = fillSecrets(redacted, { 'URL password': 'p@ss:w/rd%', 'header X-Api-Key': 'new-key' });
    expect(new URL(filled.url).password).toBe(encodeURIComponent('p@ss:w/rd%'));
    expect(decodeURIComponent(new URL(filled.url).password)).toBe('p@ss:w/rd%');
    expect(filled.headers).toEqual({ 'X-Api-Key': 'new-key', 'X-Trace': 'visible' });
    expect(redactedFields(filled)).toEqual([]);
    expect(() => fillSecrets(redacted, { 'URL password': 'x' })).toThrow(/^header X-Api-Key: /);
  });

  it('is refused by the engine preflight, naming each field, before anything is stored or sent', async () => {
    const redacted = configToStore(secretScenario(), false);
    expect(() => checkRunnable(redacted)).toThrow(PreflightError);
    expect(() => checkRunnable(redacted)).toThrow(/^URL password, header X-Api-Key: are the placeholder \*\*\* of a secret/);
    // A header that is not a credential may hold *** as a value of its own.
    expect(() => checkRunnable({ ...secretScenario(), headers: { 'X-Trace': REDACTED } })).not.toThrow();
    // The façade's startRun refuses it too (not only the run service).
    await expect(startRun(configToStore(secretScenario(), false)).result).rejects.toThrow(PreflightError);
    const { runs, store, sent } = service();
    expect(() => runs.start(redacted)).toThrow(/header X-Api-Key/);
    expect(sent).toEqual([]);
    expect(store.listRuns({}).total).toBe(0);
  });

  it('the CLI takes the secrets from BARRAGE_* variables, else asks, else refuses naming the field and the variable', async () => {
    const redacted = configToStore({ ...secretScenario(), url: 'http://127.0.0.1:9/', headers: { Authorization: 'Bearer x', 'X-Api-Key': 'y' } }, false);
    expect(secretEnvVar({ kind: 'header', name: 'X-Api-Key' })).toBe('BARRAGE_HEADER_X_API_KEY');
    const fromEnv = await withRerunSecrets(redacted, 'run 3', { env: { BARRAGE_HEADER_AUTHORIZATION: 'Bearer env', BARRAGE_HEADER_X_API_KEY: 'envkey' }, ask: null });
    expect(fromEnv.headers).toEqual({ Authorization: 'Bearer env', 'X-Api-Key': 'envkey' });
    const prompts: string[] = [];
    const asked = await withRerunSecrets(redacted, 'run 3', { env: { BARRAGE_HEADER_X_API_KEY: 'envkey' }, ask: async (p) => (prompts.push(p), 'Bearer typed') });
    expect(prompts).toEqual(['header Authorization for run 3 (not shown, not stored): ']);
    expect(asked.headers.Authorization).toBe('Bearer typed');
    await expect(withRerunSecrets(redacted, 'run 3', { env: {}, ask: null })).rejects.toThrow(
      'header Authorization: run 3 was stored without it (no --store-secrets); set BARRAGE_HEADER_AUTHORIZATION, or run in a terminal to be asked',
    );
  });
});

describe('a token given as the URL user, without a password (http://token@host/)', () => {
  const tokenScenario = (): Scenario => scenarioSchema.parse({ protocol: 'http', url: 'http://s3cr3t-token@127.0.0.1:9/api', durationSec: 1 });

  it('is redacted wherever a URL is shown; a user next to a password stays, being a name', () => {
    expect(redactUrl('http://s3cr3t-token@127.0.0.1:9/api')).toBe('http://***@127.0.0.1:9/api');
    expect(redactUrl('ws://tok@localhost/x?y=1')).toBe('ws://***@localhost/x?y=1');
    expect(redactUrl('http://alice:pw@127.0.0.1/')).toBe('http://alice:***@127.0.0.1/');
    expect(redactUrl('http://127.0.0.1/')).toBe('http://127.0.0.1/');
    expect(redactConfig(tokenScenario()).url).not.toMatch(/s3cr3t/);
  });

  it('a run stores *** for it by default, names it "URL user", keeps it with storeSecrets', async () => {
    const { runs, store, sent } = service();
    const started = runs.start(tokenScenario());
    await started.done;
    const stored = store.getRun(started.runId!)!;
    expect(stored.config.url).toBe('http://***@127.0.0.1:9/api');
    expect(JSON.stringify(stored)).not.toMatch(/s3cr3t/);
    expect(sent[0].url).toContain('s3cr3t-token@');
    expect(redactedFields(stored.config).map(secretFieldLabel)).toEqual(['URL user']);
    expect(secretFields(tokenScenario()).map(secretFieldLabel)).toEqual(['URL user']);
    const kept = runs.start(tokenScenario(), { storeSecrets: true });
    await kept.done;
    expect(store.getRun(kept.runId!)!.config.url).toBe('http://s3cr3t-token@127.0.0.1:9/api');
  });

  it('its placeholder is refused by the preflight; filled back (CLI variable or answer) it runs', async () => {
    const redacted = configToStore(tokenScenario(), false);
    expect(() => checkRunnable(redacted)).toThrow(/^URL user: is the placeholder \*\*\* of a secret/);
    const filled = fillSecrets(redacted, { 'URL user': 'new/tok@en' });
    expect(decodeURIComponent(new URL(filled.url).username)).toBe('new/tok@en');
    expect(() => checkRunnable(filled)).not.toThrow();
    expect(secretEnvVar({ kind: 'url-user' })).toBe('BARRAGE_URL_USER');
    const fromEnv = await withRerunSecrets(redacted, 'run 4', { env: { BARRAGE_URL_USER: 'envtok' }, ask: null });
    expect(fromEnv.url).toBe('http://envtok@127.0.0.1:9/api');
  });

  it('next to an explicit Authorization header is refused, as a password is', () => {
    const r = scenarioSchema.safeParse({ protocol: 'http', url: 'http://tok@127.0.0.1:9/', headers: { Authorization: 'Bearer x' }, durationSec: 1 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/has a user \(a credential\) and the headers an Authorization/);
  });
});
