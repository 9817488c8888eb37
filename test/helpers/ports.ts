import { createServer } from 'node:net';

/**
 * A TCP port that is free right now. Another process can still take it before
 * you bind it, so callers that pass it on must check the port they really got.
 */
export async function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    // No host: the same all-interfaces check the Playground CLI does itself.
    server.listen(0, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('getFreePort: the OS gave no port'));
      });
    });
  });
}
