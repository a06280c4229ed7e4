// `--otlp URL`: the collector's metrics URL, checked before a run starts (without loading the SDK).

/** OTLP/HTTP's metrics path: added when the user gives only the collector's address. */
const METRICS_PATH = '/v1/metrics';

/** The collector's metrics URL from what the user gave; a one-line error naming the problem otherwise. */
export function otlpMetricsUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`"${raw}" is not a URL (e.g. http://127.0.0.1:4318)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${raw}" is not an http(s) URL (OTLP/HTTP)`);
  if (url.username || url.password) throw new Error('the URL cannot carry a password');
  if (url.pathname === '/' || url.pathname === '') url.pathname = METRICS_PATH;
  return url.href;
}
