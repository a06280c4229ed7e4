// Secrets in stored run configurations (issue #10, item 8). A run keeps its own copy of the
// configuration it measured; by default that copy has the URL password (or a user given without
// a password, `http://token@host/`) and the values of
// credential headers replaced by redact.ts's placeholder, and keeps them only when the user opts
// in (`--store-secrets`, the builder's "Keep secrets with the run"). Running such a copy again
// needs the secrets back: `redactedFields` names what is missing, `fillSecrets` puts the user's
// answers in. The engine refuses a configuration that still holds the placeholder (preflight.ts),
// so `Authorization: ***` never goes out. Saved scenarios keep their secrets (docs/SECURITY.md).
import { isSecretHeader, redactConfig, REDACTED } from './redact.ts';

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
