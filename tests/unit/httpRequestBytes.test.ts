// The bytes of a flow step's request for the lean client: node:http's request line and headers
// (Host, the step's headers, Connection: keep-alive, Content-Length), the body's true length in
// UTF-8, and the header values Node refuses.
import { describe, expect, it } from 'vitest';
import { InvalidHeaderError, requestBytes } from '../../src/main/engine/flow/httpRequestBytes.ts';

const url = new URL('http://api.test:8080/items?page=2&q=%C3%A9');

describe('requestBytes', () => {
  it('a GET without a body: request line with the query, Host with the port, headers as written, no Content-Length', () => {
    const text = requestBytes('GET', url, { Authorization: 'Bearer abc', 'x-n': '1' }, undefined).toString('latin1');
    expect(text).toBe('GET /items?page=2&q=%C3%A9 HTTP/1.1\r\nHost: api.test:8080\r\nAuthorization: Bearer abc\r\nx-n: 1\r\nConnection: keep-alive\r\n\r\n');
  });

  it('a body: its UTF-8 length, written after the head; a POST without a body says Content-Length: 0', () => {
    const bytes = requestBytes('POST', url, { 'content-type': 'application/json' }, '{"name":"café ☕"}');
    const text = bytes.toString('utf8');
    const body = '{"name":"café ☕"}';
    expect(text.endsWith(`\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)).toBe(true);
    expect(Buffer.byteLength(body)).toBe(body.length + 3);
    expect(requestBytes('POST', url, {}, undefined).toString('latin1')).toContain('\r\nContent-Length: 0\r\n\r\n');
    expect(requestBytes('DELETE', url, {}, undefined).toString('latin1')).not.toContain('Content-Length');
    // A GET with a body gets its length (node:http sent none).
    expect(requestBytes('GET', url, {}, 'x').toString('latin1')).toContain('\r\nContent-Length: 1\r\n\r\nx');
  });

  it("the step's Host and Connection replace the defaults; its Content-Length and Transfer-Encoding give way to the body's length", () => {
    const text = requestBytes('PUT', url, { HOST: 'other.test', connection: 'close', 'Content-Length': '999', 'transfer-encoding': 'chunked' }, 'abc').toString('latin1');
    expect(text).toBe('PUT /items?page=2&q=%C3%A9 HTTP/1.1\r\nHOST: other.test\r\nconnection: close\r\nContent-Length: 3\r\n\r\nabc');
  });

  it('refuses what Node refuses: a CR/LF in a value (header injection), a name that is not a token', () => {
    expect(() => requestBytes('GET', url, { 'x-a': 'ok\r\nInjected: yes' }, undefined)).toThrow(InvalidHeaderError);
    expect(() => requestBytes('GET', url, { 'x-a': 'ünïcödé ok' }, undefined)).not.toThrow();
    expect(() => requestBytes('GET', url, { 'x-a': 'snow ☃' }, undefined)).toThrow(/Invalid character in header content \["x-a"\]/);
    expect(() => requestBytes('GET', url, { 'bad name': 'v' }, undefined)).toThrow(/valid HTTP token/);
  });
});
