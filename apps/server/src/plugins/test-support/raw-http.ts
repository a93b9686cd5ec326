// HTTP over a real socket with headers fetch() will not send (Host, Upgrade), and a listening test app.
import { type AddressInfo, connect } from 'node:net';
import { buildTestApp, type TestApp, type TestAppOptions } from '../../routes/test-support/test-app.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One request on its own TCP connection, written by hand; resolves once the response is complete (its
 * Content-Length read, a 101's headers, or the connection closed).
 */
export function rawRequest(
  port: number,
  options: { path: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  const body = options.body ?? '';
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...options.headers };
  if (body !== '') headers['content-length'] = String(Buffer.byteLength(body));
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (force: boolean) => {
      const parsed = parseResponse(received);
      if (settled || !parsed || (!force && !parsed.complete)) return;
      settled = true;
      socket.destroy();
      resolve(parsed.response);
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      finish(false);
    });
    socket.on('close', () => {
      finish(true);
      if (!settled) reject(new Error(`connection closed without a response: ${received.toString()}`));
    });
    socket.on('error', () => undefined); // a close follows
    socket.write(`${options.method ?? 'GET'} ${options.path} HTTP/1.1\r\n${head}\r\n${body}`);
  });
}

/** A raw HTTP/1.1 response; `complete` once its body is all there (or it is a 101). */
export function parseResponse(bytes: Buffer): { response: RawResponse; complete: boolean } | null {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return null;
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = bytes.subarray(end + 4);
  const length = Number(headers['content-length'] ?? Number.NaN);
  const complete = status === 101 || (Number.isFinite(length) && body.length >= length);
  return { response: { status, headers, body: body.toString() }, complete };
}

export interface ListeningApp extends TestApp {
  port: number;
}

/** A test app listening on a free loopback port. */
export async function listeningApp(options: TestAppOptions = {}): Promise<ListeningApp> {
  const t = await buildTestApp(options);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  return { ...t, port: (t.app.server.address() as AddressInfo).port };
}
