// Secrets in scenarios — a password in the URL (`user:password@host`), the values of headers
// that carry credentials — are never printed, exported or reported: every place that shows a
// URL or a scenario to a person or a file goes through here. See docs/SECURITY.md.

/** Header names whose values are credentials (lower case). */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-auth-token', 'x-access-token', 'x-csrf-token']);

export const REDACTED = '***';

export function isSecretHeader(name: string): boolean {
  const n = name.toLowerCase();
  return SECRET_HEADERS.has(n) || /(^|-)(token|secret|password|api-?key)$/.test(n);
}

/**
 * The URL with its password replaced by ***, or — when it has a user and no password
 * (`http://token@host/`, how tokens are often passed) — that user; unparseable text is returned as is.
 * A user next to a password is a name, not the secret, and stays readable (`alice:***@`).
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw;
  }
  if (url.password) url.password = REDACTED;
  else if (url.username) url.username = REDACTED;
  else return raw;
  return url.toString();
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, isSecretHeader(k) ? REDACTED : v]));
}

/** A scenario (or any config with url/headers) safe to print, export or report. */
export function redactConfig<T extends { url: string; headers?: Record<string, string> }>(config: T): T {
  return { ...config, url: redactUrl(config.url), ...(config.headers ? { headers: redactHeaders(config.headers) } : {}) };
}

/** The user-only credential of a URL (`http://token@host/`: a user, no password), if it has one. */
export function urlHasUserOnly(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.username !== '' && url.password === '';
  } catch {
    return false;
  }
}

/** The password in a URL, if it has one (to refuse it next to an explicit Authorization header). */
export function urlHasPassword(raw: string): boolean {
  try {
    return new URL(raw).password !== '';
  } catch {
    return false;
  }
}

// The credentials of a URL inside free text ("http://feed:pa55@host/ did not answer …"): scheme,
// then the userinfo up to the first @ before any /, ? or # or white space.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]+)@/gi;

/**
 * `text` with the credentials of every URL in it redacted as redactUrl does: `user:***@` when
 * a password is given, `***@` for a user alone (a token passed as the user).
 */
export function redactUrlsInText(text: string): string {
  return text.replace(URL_USERINFO, (_all, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon >= 0 ? `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@` : `${scheme}${REDACTED}@`;
  });
}
