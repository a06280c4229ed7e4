// Secrets in stored run configurations (issue #10, item 8). A run keeps its own copy of the
// configuration it measured; by default that copy has the URL password (or a user given without
// a password, `http://token@host/`) and the values of
// credential headers replaced by redact.ts's placeholder, and keeps them only when the user opts
// in (`--store-secrets`, the builder's "Keep secrets with the run"). Running such a copy again
// needs the secrets back: `redactedFields` names what is missing, `fillSecrets` puts the user's
// answers in. The engine refuses a configuration that still holds the placeholder (preflight.ts),
// so `Authorization: ***` never goes out. Saved scenarios keep their secrets (docs/SECURITY.md).
import type { RunEnvironment } from './history.ts';
import { isSecretHeader, redactConfig, redactUrlsInText, REDACTED } from './redact.ts';

/**
 * A secret a stored configuration lacks: the URL's password, the URL's user when it has no
 * password (`http://token@host/`, a token passed as the user), or a header's value.
 */
export type SecretField = { kind: 'url-password' } | { kind: 'url-user' } | { kind: 'header'; name: string };

interface WithSecrets {
  url: string;
  headers?: Record<string, string>;
}

/** The configuration as a run stores it: as given with `storeSecrets`, else redacted. */
export function configToStore<T extends WithSecrets>(config: T, storeSecrets: boolean): T {
  return storeSecrets ? config : redactConfig(config);
}

/** The fields of `config` that hold the placeholder instead of a secret, URL password first. */
export function redactedFields(config: WithSecrets): SecretField[] {
  const fields: SecretField[] = [];
  const url = urlCredentials(config.url);
  if (url?.password === REDACTED) fields.push({ kind: 'url-password' });
  else if (url?.password === '' && url.username === REDACTED) fields.push({ kind: 'url-user' });
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    if (value === REDACTED && isSecretHeader(name)) fields.push({ kind: 'header', name });
  }
  return fields;
}

/** The fields of `config` that hold a secret a run would store redacted (the builder's checkbox shows then). */
export function secretFields(config: WithSecrets): SecretField[] {
  const url = urlCredentials(config.url);
  return redactedFields(configToStore(config, false)).filter((f) =>
    f.kind === 'url-password' ? url?.password !== REDACTED : f.kind === 'url-user' ? url?.username !== REDACTED : config.headers?.[f.name] !== REDACTED,
  );
}

/** How a person (and the error messages) name a field: "URL password", "URL user", "header Authorization". */
export function secretFieldLabel(field: SecretField): string {
  return field.kind === 'url-password' ? 'URL password' : field.kind === 'url-user' ? 'URL user' : `header ${field.name}`;
}

/**
 * `config` with the user's answers in place of the placeholders, keyed by secretFieldLabel.
 * Throws an Error naming the first field without an answer (an empty answer counts as none).
 */
export function fillSecrets<T extends WithSecrets>(config: T, answers: Readonly<Record<string, string>>): T {
  let url = config.url;
  const headers = config.headers ? { ...config.headers } : undefined;
  for (const field of redactedFields(config)) {
    const label = secretFieldLabel(field);
    const answer = answers[label];
    if (answer === undefined || answer === '') throw new Error(`${label}: the stored run keeps it redacted; give it to run again`);
    if (field.kind === 'url-password') url = withPassword(url, answer);
    else if (field.kind === 'url-user') url = withUser(url, answer);
    else if (headers) headers[field.name] = answer;
  }
  return { ...config, url, ...(headers ? { headers } : {}) };
}

function urlCredentials(raw: string): { username: string; password: string } | null {
  try {
    const { username, password } = new URL(raw);
    return { username, password };
  } catch {
    return null;
  }
}

function withPassword(raw: string, password: string): string {
  const url = new URL(raw);
  // Encoded in full: the URL setter leaves a `%` as is, which would then read as an escape.
  url.password = encodeURIComponent(password);
  return url.toString();
}

function withUser(raw: string, user: string): string {
  const url = new URL(raw);
  url.username = encodeURIComponent(user);
  return url.toString();
}

/**
 * Known secret values shorter than this are not searched for in free text: a 3-character
 * password would match inside ordinary words and mangle every message. A URL's credentials are
 * redacted in text by their place (`user:…@`) whatever their length.
 */
const MIN_SECRET_IN_TEXT = 4;

/**
 * The secret values `config` holds (not placeholders): the URL's password as written and
 * decoded, its user when given alone, each credential header's value and, for a value with a
 * scheme word ("Bearer t0ken", "Basic …"), the credential after it — a message may quote either.
 */
export function secretValuesOf(config: WithSecrets): string[] {
  const out = new Set<string>();
  const add = (v: string) => {
    if (v !== REDACTED && v.length >= MIN_SECRET_IN_TEXT) out.add(v);
  };
  const url = urlCredentials(config.url);
  if (url) {
    const value = url.password !== '' ? url.password : url.username;
    if (value !== '') {
      add(value);
      try {
        add(decodeURIComponent(value));
      } catch {
        // Not valid percent-encoding: the text as written is the only form.
      }
    }
  }
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    if (!isSecretHeader(name)) continue;
    add(value);
    const scheme = /^[A-Za-z][A-Za-z0-9-]*\s+(\S.*)$/.exec(value);
    if (scheme) add(scheme[1]);
  }
  // Longest first, so a whole header value goes before the token inside it.
  return [...out].sort((a, b) => b.length - a.length);
}

/** `text` with each of `secrets` and every URL's credentials replaced by the placeholder. */
export function redactSecretsInText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return redactUrlsInText(out);
}

/** Every string inside `value` (objects and arrays, at any depth) passed through redactSecretsInText. */
export function redactSecretsDeep<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return redactSecretsInText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactSecretsDeep(v, secrets)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactSecretsDeep(v, secrets)])) as T;
  }
  return value;
}

/** A shard's copy of the whole scenario without its secrets, at any depth of a merged run. */
export function redactEnvironment(env: RunEnvironment): RunEnvironment {
  const out: RunEnvironment = { ...env };
  if (env.shard) out.shard = { ...env.shard, scenario: redactConfig(env.shard.scenario) };
  if (env.shards) out.shards = env.shards.map(redactEnvironment);
  return out;
}

/** The shards' copies of the scenario an environment holds (its own and its merged shards'). */
export function shardScenarios(env: RunEnvironment): WithSecrets[] {
  return [...(env.shard ? [env.shard.scenario] : []), ...(env.shards ?? []).flatMap(shardScenarios)];
}
