import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TestProxyOptions {
  /** Host names the proxy can reach, and the loopback address each one stands for. */
  hosts: Record<string, string>;
  /** When set, requests without these Basic credentials get 407. */
  credentials?: { username: string; password: string };
}

export interface TestProxy {
  url: string;
  port: number;
  /** `CONNECT host:port` targets, in order. */
  tunnels: string[];
  /** Absolute-form URLs of plain HTTP requests forwarded. */
  forwarded: string[];
  close(): Promise<void>;
}

/**
 * A forward proxy on loopback: CONNECT tunnels for https targets and absolute-form requests
 * for http ones. It resolves names only from its own table (so nothing leaves loopback) and
 * answers 502 for names it does not know, like a proxy whose DNS lookup failed.
 */
export async function startTestProxy(options: TestProxyOptions): Promise<TestProxy> {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const sockets = new Set<net.Socket>();
  const expected = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`
    : undefined;
  const authorised = (header: string | undefined): boolean => !expected || header === expected;
  const resolve = (host: string): string | undefined =>
    options.hosts[host.replace(/^\[|\]$/g, '').toLowerCase()];

  const server = http.createServer((req, res) => {
    if (!authorised(req.headers['proxy-authorization'])) {
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test"' });
      res.end();
      return;
    }
    const target = new URL(req.url ?? '/');
    const address = resolve(target.hostname);
    forwarded.push(target.href);
    if (!address) {
      res.writeHead(502);
      res.end();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = http.request(
      {
        host: address,
        port: Number(target.port || 80),
        method: req.method,
        path: target.pathname + target.search,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const target = req.url ?? '';
    tunnels.push(target);
    if (!authorised(req.headers['proxy-authorization'])) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const separator = target.lastIndexOf(':');
    const address = resolve(target.slice(0, separator));
    if (!address || separator < 0) {
      client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(target.slice(separator + 1)), address, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    tunnels,
    forwarded,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        server.close(() => done());
      }),
  };
}
