// A real, authoritative-only DNS server on loopback for tests: UDP and TCP on the same port,
// seeded from a scenario's `dns:` section. Everything it answers is in the records given, so a
// test controls exactly what a resolver sees, including the failures real resolvers produce.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';

export interface MxValue {
  exchange: string;
  priority: number;
}

/** One name's records, as a scenario's `dns:` section writes them. */
export interface DnsNameRecords {
  MX?: MxValue[];
  /** A string is one TXT record; an array of strings is one record of several character-strings. */
  TXT?: (string | string[])[];
  A?: string[];
  AAAA?: string[];
}

export type DnsScenarioRecords = Record<string, DnsNameRecords>;
export type EmulatedType = keyof DnsNameRecords;

/**
 * What the emulator does instead of answering. `servfail` and `refused` answer with that
 * response code; `drop` reads the query and never answers, as a resolver behind a firewall
 * would look to the client.
 */
export type DnsFault = 'servfail' | 'refused' | 'drop';

export interface DnsFaultRule {
  fault: DnsFault;
  /** Only this name (any type when `type` is absent). Absent: every name. */
  name?: string;
  type?: string;
}

export interface ReceivedQuery {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
}

export interface DnsEmulatorOptions {
  /** The loopback address to listen on; `::1` tests IPv6 resolver addresses. */
  host?: '127.0.0.1' | '::1';
}

export interface DnsEmulator {
  /** `127.0.0.1:<port>` or `[::1]:<port>`, in the form `checks.dnsServers` takes. */
  address: string;
  port: number;
  /** Replaces the values of one type at a name; an empty list leaves the name with no such type. */
  set(name: string, type: EmulatedType, values: MxValue[] | (string | string[])[]): void;
  /** Removes a name and all its records: it becomes NXDOMAIN. */
  remove(name: string): void;
  /** Adds a fault rule; the most recent matching rule wins. */
  fault(rule: DnsFaultRule): void;
  clearFaults(): void;
  /** Every query received, in order. */
  queries: ReceivedQuery[];
  close(): Promise<void>;
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
const CLASSIC_UDP_LIMIT = 512;
const TTL = 60;

function normalise(name: string): string {
  return name.trim().replace(/\.$/, '').toLowerCase();
}

/** Splits text longer than one character-string (255 bytes) the way zone files do. */
function txtChunks(value: string | string[]): string[] {
  const parts = Array.isArray(value) ? value : [value];
  const chunks: string[] = [];
  for (const part of parts) {
    const bytes = Buffer.from(part, 'utf8');
    if (bytes.length === 0) {
      chunks.push('');
    }
    for (let start = 0; start < bytes.length; start += 255) {
      chunks.push(bytes.subarray(start, start + 255).toString('utf8'));
    }
  }
  return chunks;
}

class Zone {
  private readonly names = new Map<string, DnsNameRecords>();

  constructor(seed: DnsScenarioRecords) {
    for (const [name, records] of Object.entries(seed)) {
      this.names.set(normalise(name), structuredClone(records));
    }
  }

  set(name: string, type: EmulatedType, values: unknown[]): void {
    const key = normalise(name);
    const records = this.names.get(key) ?? {};
    (records as Record<string, unknown>)[type] = structuredClone(values);
    this.names.set(key, records);
  }

  remove(name: string): void {
    this.names.delete(normalise(name));
  }

  /**
   * A name exists when it has records or when a name below it does (an "empty non-terminal"
   * such as `protection.outlook.com` above `spf.protection.outlook.com`): such names answer
   * NODATA, not NXDOMAIN, as real zones do.
   */
  exists(name: string): boolean {
    if (this.names.has(name)) {
      return true;
    }
    const suffix = `.${name}`;
    for (const known of this.names.keys()) {
      if (known.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  answers(name: string, type: string): dnsPacket.Answer[] {
    const records = this.names.get(name);
    if (!records) {
      return [];
    }
    switch (type) {
      case 'A':
      case 'AAAA':
        return (records[type] ?? []).map((address) => ({ type, name, ttl: TTL, data: address }));
      case 'MX':
        return (records.MX ?? []).map((mx) => ({
          type: 'MX',
          name,
          ttl: TTL,
          data: { exchange: mx.exchange, preference: mx.priority },
        }));
      case 'TXT':
        return (records.TXT ?? []).map((value) => ({
          type: 'TXT',
          name,
          ttl: TTL,
          data: txtChunks(value),
        }));
      default:
        return [];
    }
  }
}

/**
 * Starts the emulator. UDP binds first on a free port, then TCP takes the same port number so
 * that a resolver falling back to TCP after a truncated answer reaches the same server.
 */
export async function startDnsEmulator(
  records: DnsScenarioRecords = {},
  options: DnsEmulatorOptions = {},
): Promise<DnsEmulator> {
  const host = options.host ?? '127.0.0.1';
  const zone = new Zone(records);
  const faults: DnsFaultRule[] = [];
  const queries: ReceivedQuery[] = [];

  function faultFor(name: string, type: string): DnsFault | undefined {
    for (let index = faults.length - 1; index >= 0; index -= 1) {
      const rule = faults[index];
      if (
        rule &&
        (rule.name === undefined || normalise(rule.name) === name) &&
        (rule.type === undefined || rule.type.toUpperCase() === type)
      ) {
        return rule.fault;
      }
    }
    return undefined;
  }

  /** The encoded response, or undefined when the query is to go unanswered. */
  function respond(message: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
    let request: dnsPacket.DecodedPacket;
    try {
      request = dnsPacket.decode(message);
    } catch {
      return undefined;
    }
    const question = request.questions?.[0];
    if (!question) {
      return undefined;
    }
    const name = normalise(question.name);
    const type = String(question.type).toUpperCase();
    queries.push({ name, type, transport });

    const base: dnsPacket.Packet = {
      id: request.id ?? 0,
      type: 'response',
      questions: [question],
    };
    const recursionDesired = request.flag_rd ? dnsPacket.RECURSION_DESIRED : 0;
    const fault = faultFor(name, type);
    if (fault === 'drop') {
      return undefined;
    }
    if (fault === 'servfail' || fault === 'refused') {
      const rcode = fault === 'servfail' ? RCODE.SERVFAIL : RCODE.REFUSED;
      return dnsPacket.encode({ ...base, flags: recursionDesired | rcode });
    }
    const flags = dnsPacket.AUTHORITATIVE_ANSWER | recursionDesired;
    if (!zone.exists(name)) {
      return dnsPacket.encode({ ...base, flags: flags | RCODE.NXDOMAIN });
    }
    const full = dnsPacket.encode({ ...base, flags, answers: zone.answers(name, type) });
    if (transport === 'udp') {
      const opt = request.additionals?.find((record) => record.type === 'OPT');
      const limit = Math.max(
        CLASSIC_UDP_LIMIT,
        opt && 'udpPayloadSize' in opt ? opt.udpPayloadSize : 0,
      );
      if (full.length > limit) {
        return dnsPacket.encode({ ...base, flags: flags | dnsPacket.TRUNCATED_RESPONSE });
      }
    }
    return full;
  }

  const tcpSockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    tcpSockets.add(socket);
    socket.on('close', () => tcpSockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) {
          break;
        }
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        const reply = respond(message, 'tcp');
        if (reply) {
          const framed = Buffer.alloc(2 + reply.length);
          framed.writeUInt16BE(reply.length, 0);
          reply.copy(framed, 2);
          socket.write(framed);
        }
      }
    });
  });

  const { udp, port } = await bindBoth(host, tcp, (udpSocket, message, remote) => {
    const reply = respond(message, 'udp');
    if (reply) {
      udpSocket.send(reply, remote.port, remote.address);
    }
  });

  return {
    address: host === '::1' ? `[::1]:${port}` : `127.0.0.1:${port}`,
    port,
    queries,
    set: (name, type, values) => zone.set(name, type, values),
    remove: (name) => zone.remove(name),
    fault: (rule) => {
      faults.push(rule);
    },
    clearFaults: () => {
      faults.length = 0;
    },
    close: async () => {
      for (const socket of tcpSockets) {
        socket.destroy();
      }
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}

type UdpHandler = (socket: dgram.Socket, message: Buffer, remote: dgram.RemoteInfo) => void;

/**
 * Binds UDP on a free port and TCP on the same number. When TCP finds that number taken, both
 * start over with a fresh UDP socket (a closed dgram socket cannot be bound again).
 */
async function bindBoth(
  host: string,
  tcp: net.Server,
  onMessage: UdpHandler,
): Promise<{ udp: dgram.Socket; port: number }> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const udp = dgram.createSocket(host === '::1' ? 'udp6' : 'udp4');
    udp.on('message', (message, remote) => onMessage(udp, message, remote));
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, host, () => {
        udp.off('error', reject);
        resolve(udp.address().port);
      });
    });
    const bound = await new Promise<boolean>((resolve) => {
      const onError = (): void => resolve(false);
      tcp.once('error', onError);
      tcp.listen(port, host, () => {
        tcp.off('error', onError);
        resolve(true);
      });
    });
    if (bound) {
      return { udp, port };
    }
    await new Promise<void>((resolve) => udp.close(() => resolve()));
  }
  throw new Error('no port free for both UDP and TCP for the DNS emulator');
}
