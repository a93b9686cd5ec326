// Log flooding (issue 16.6): malformed live frames are counted by reason and logged once per connection at
// debug, without a stack, instead of an error line with a stack per frame.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { type ListeningApp, listeningApp } from '../plugins/test-support/raw-http.js';
import { until } from '../routes/test-support/live-client.js';

let t: ListeningApp;
afterEach(async () => t.close());

/** Upgrades a raw socket, then sends `frames` as they are (a client that gets the protocol wrong). */
function sendAfterUpgrade(port: number, frames: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let upgraded = false;
    socket.on('data', (chunk: Buffer) => {
      if (upgraded || !chunk.toString('latin1').startsWith('HTTP/1.1 101')) return;
      upgraded = true;
      socket.write(frames);
    });
    socket.on('error', () => undefined);
    socket.once('close', () => resolve());
    socket.write(
      `GET /api/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

it('counts bad frames by reason and logs each connection once, at debug, without a stack', async () => {
  const lines: string[] = [];
  t = await listeningApp({
    app: { logger: { level: 'debug', stream: { write: (line: string) => void lines.push(line) } } },
  });
  const unmasked = Buffer.from([0x81, 0x02, 0x68, 0x69]); // a client frame must be masked
  const badOpcode = Buffer.from([0x83, 0x80, 0, 0, 0, 0]); // opcode 3 is reserved
  for (let i = 0; i < 10; i += 1)
    await sendAfterUpgrade(t.port, Buffer.concat([unmasked, unmasked, unmasked]));
  for (let i = 0; i < 5; i += 1) await sendAfterUpgrade(t.port, badOpcode);
  await until(async () => {
    const metrics = (await t.app.inject({ url: '/metrics' })).body;
    return metrics.includes('hopwatch_live_protocol_errors_total{reason="bad_frame"} 15');
  }, 'the counter');
  const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const about = logged.filter((line) => JSON.stringify(line).includes('WS_ERR') || line.reason !== undefined);
  expect(about.length).toBeGreaterThan(0);
  expect(about.length).toBeLessThanOrEqual(15);
  for (const line of about) {
    expect(line.level).toBe(20);
    expect(JSON.stringify(line)).not.toContain('stack');
  }
  expect(logged.filter((line) => Number(line.level) >= 40)).toEqual([]);
});
