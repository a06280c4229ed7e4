// The bytes of one HTTP/1.1 request for the lean client (leanHttpClient.ts): request line,
// headers and body in one buffer, so a request is one socket write. A step whose URL, headers
// and body have no variables renders them once per worker (httpStep.ts caches the buffer);
// others render per request from their compiled templates (template.ts: literal parts and
// variable slots, no regular expression).
//
// The headers are node:http's for the same request: Host (the URL's, unless the step sets
// one), the scenario's and the step's headers as written, `Connection: keep-alive`, and the
// body's Content-Length. Two deliberate differences: the client frames the body itself, so a
// Content-Length or Transfer-Encoding header of the step is replaced by the body's true length
// (Node would send a wrong one as given); and a GET with a body gets its Content-Length
// (Node sends it without one, which leaves the server unable to find the body's end).
// A header that Node would refuse (a name that is not a token, a value with CR, LF or a
// character above U+00FF) is refused here with Node's wording, as the step's `other` error.

/** Node's rule for header values (lib/_http_common.js checkInvalidHeaderChar). */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
/** RFC 9110 token: a header name. */
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
/** Methods Node sends without a Content-Length when they have no body (no chunked default). */
const NO_BODY_BY_DEFAULT = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);
/** Headers the client writes itself from the body. */
const FRAMING = new Set(['content-length', 'transfer-encoding']);

export class InvalidHeaderError extends Error {}

/** One request as bytes: `headers` are the scenario's and the step's, already merged and rendered. */
export function requestBytes(method: string, target: URL, headers: Readonly<Record<string, string>>, payload: string | undefined): Buffer {
  let head = `${method} ${target.pathname}${target.search} HTTP/1.1\r\n`;
  let host = true;
  let connection = true;
  let lines = '';
  for (const name in headers) {
    const value = headers[name];
    if (!TOKEN.test(name)) throw new InvalidHeaderError(`Header name must be a valid HTTP token ["${name}"]`);
    if (INVALID_VALUE.test(value)) throw new InvalidHeaderError(`Invalid character in header content ["${name}"]`);
    const lower = name.toLowerCase();
    if (FRAMING.has(lower)) continue;
    if (lower === 'host') host = false;
    else if (lower === 'connection') connection = false;
    lines += `${name}: ${value}\r\n`;
  }
  if (host) head += `Host: ${target.host}\r\n`;
  head += lines;
  if (connection) head += 'Connection: keep-alive\r\n';
  const bodyLength = payload === undefined ? 0 : Buffer.byteLength(payload, 'utf8');
  if (payload !== undefined || !NO_BODY_BY_DEFAULT.has(method)) head += `Content-Length: ${bodyLength}\r\n`;
  head += '\r\n';
  const bytes = Buffer.allocUnsafe(head.length + bodyLength);
  bytes.write(head, 0, 'latin1');
  if (payload !== undefined && bodyLength > 0) bytes.write(payload, head.length, 'utf8');
  return bytes;
}
