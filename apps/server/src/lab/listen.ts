// Listening for the lab's servers: on loopback by default, since the lab must never be reachable from the
// network, and on an OS-chosen port unless one is configured.
import type { Server } from 'node:net';

export const LOOPBACK = '127.0.0.1';

export async function listen(server: Server, port = 0, host = LOOPBACK): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The port a listening server got (0 before it listens). */
export function boundPort(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
