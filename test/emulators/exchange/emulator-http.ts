import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new Error('request body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function send(
  response: ServerResponse,
  status: number,
  body: string | Buffer | object | undefined,
  headers: Record<string, string> = {},
): void {
  let payload: Buffer;
  const allHeaders: Record<string, string> = { ...headers };
  if (body === undefined) {
    payload = Buffer.alloc(0);
  } else if (Buffer.isBuffer(body)) {
    payload = body;
  } else if (typeof body === 'string') {
    payload = Buffer.from(body, 'utf8');
  } else {
    payload = Buffer.from(JSON.stringify(body), 'utf8');
    allHeaders['Content-Type'] ??= 'application/json; charset=utf-8';
  }
  allHeaders['Content-Length'] = String(payload.length);
  response.writeHead(status, allHeaders);
  response.end(payload);
}

/** Listens on a free loopback port and answers with `http://127.0.0.1:<port>`. */
export function listenOnLoopback(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${address.port}`);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
