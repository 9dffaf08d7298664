// A real SMTP listener on loopback for tests: greeting, EHLO with or without STARTTLS, the TLS
// upgrade with a given certificate, and enough of MAIL/RCPT/DATA to take a test message. Knobs
// make it misbehave the ways real listeners do (no greeting, refusing STARTTLS, long replies).
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import type { ScenarioCertificate, TestCa } from '../certs/test-certificates';
import { certificateForScenario } from '../certs/test-certificates';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The message as sent, dot-stuffing undone, without the final `.` line. */
  data: string;
  /** Whether the message came over TLS. */
  secure: boolean;
  helo: string;
}

export interface SmtpSessionRecord {
  /** Every command line the client sent, in order (message content excluded). */
  commands: string[];
  /** True once STARTTLS completed. */
  secure: boolean;
}

export interface SmtpEmulatorOptions {
  host?: '127.0.0.1' | '::1';
  /** The name in the greeting and the first EHLO line. */
  hostname?: string;
  /** PEM key and certificate chain (leaf first) for STARTTLS. */
  key?: string;
  cert?: string;
  /** Offer STARTTLS; defaults to true when a certificate is given. */
  starttls?: boolean;
  /** `multiline` greets in three lines; `none` accepts and stays silent; `reject` answers 554. */
  greeting?: 'normal' | 'multiline' | 'none' | 'reject';
  /** Reply to STARTTLS with this line instead of starting TLS (e.g. `454 4.7.0 TLS not available`). */
  starttlsReply?: string;
  /** Send these bytes right after the 220 to STARTTLS, as a tampered listener would. */
  injectAfterStarttls?: string;
  /** Extra EHLO keywords, to make long multi-line replies. */
  extraExtensions?: string[];
}

export interface SmtpEmulator {
  host: string;
  port: number;
  sessions: SmtpSessionRecord[];
  messages: ReceivedMail[];
  close(): Promise<void>;
}

const MAX_LINE = 4096;

/** Starts the listener on a free port. */
export async function startSmtpEmulator(options: SmtpEmulatorOptions = {}): Promise<SmtpEmulator> {
  const host = options.host ?? '127.0.0.1';
  const hostname = options.hostname ?? 'mail.example.com';
  const secureContext =
    options.key && options.cert
      ? tls.createSecureContext({ key: options.key, cert: options.cert })
      : undefined;
  const offerStarttls = options.starttls ?? secureContext !== undefined;
  const sessions: SmtpSessionRecord[] = [];
  const messages: ReceivedMail[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const record: SmtpSessionRecord = { commands: [], secure: false };
    sessions.push(record);
    serve(socket, record);
  });

  function serve(plain: net.Socket, record: SmtpSessionRecord): void {
    let stream: net.Socket = plain;
    let buffer = '';
    let helo = '';
    let from: string | undefined;
    let to: string[] = [];
    let data: string[] | undefined;

    const reply = (...lines: string[]): void => {
      stream.write(
        lines
          .map((line, index) =>
            index < lines.length - 1 ? line.replace(/^(\d{3}) /, '$1-') : line,
          )
          .join('\r\n') + '\r\n',
      );
    };
    const reset = (): void => {
      from = undefined;
      to = [];
      data = undefined;
    };

    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8');
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (handle(line) === 'upgraded') {
          return;
        }
        newline = buffer.indexOf('\n');
      }
      if (buffer.length > MAX_LINE) {
        reply('500 5.5.0 Line too long');
        stream.destroy();
      }
    };

    function handle(line: string): 'upgraded' | undefined {
      if (data) {
        if (line === '.') {
          messages.push({
            from: from ?? '',
            to,
            data: data.join('\r\n'),
            secure: record.secure,
            helo,
          });
          reset();
          reply('250 2.0.0 Ok: queued');
        } else {
          data.push(line.startsWith('.') ? line.slice(1) : line);
        }
        return undefined;
      }
      record.commands.push(line);
      const [verb = '', ...rest] = line.split(' ');
      const argument = rest.join(' ');
      switch (verb.toUpperCase()) {
        case 'EHLO': {
          helo = argument;
          reset();
          const keywords = [
            'PIPELINING',
            'SIZE 10240000',
            '8BITMIME',
            ...(options.extraExtensions ?? []),
          ];
          if (offerStarttls && !record.secure) {
            keywords.push('STARTTLS');
          }
          keywords.push('SMTPUTF8');
          reply(`250 ${hostname}`, ...keywords.map((keyword) => `250 ${keyword}`));
          return undefined;
        }
        case 'HELO':
          helo = argument;
          reset();
          reply(`250 ${hostname}`);
          return undefined;
        case 'STARTTLS':
          if (options.starttlsReply) {
            reply(options.starttlsReply);
            return undefined;
          }
          if (!offerStarttls || !secureContext || record.secure) {
            reply('502 5.5.1 STARTTLS not offered');
            return undefined;
          }
          reply('220 2.0.0 Ready to start TLS');
          if (options.injectAfterStarttls) {
            stream.write(options.injectAfterStarttls);
          }
          upgrade();
          return 'upgraded';
        case 'MAIL':
          if (!helo) {
            reply('503 5.5.1 Send EHLO first');
          } else {
            from = /^FROM:\s*<([^>]*)>/i.exec(argument)?.[1] ?? '';
            to = [];
            reply('250 2.1.0 Ok');
          }
          return undefined;
        case 'RCPT': {
          const address = /^TO:\s*<([^>]+)>/i.exec(argument)?.[1];
          if (from === undefined) {
            reply('503 5.5.1 Need MAIL first');
          } else if (!address) {
            reply('501 5.1.3 Bad recipient address syntax');
          } else {
            to.push(address);
            reply('250 2.1.5 Ok');
          }
          return undefined;
        }
        case 'DATA':
          if (to.length === 0) {
            reply('503 5.5.1 Need RCPT first');
          } else {
            data = [];
            reply('354 End data with <CR><LF>.<CR><LF>');
          }
          return undefined;
        case 'RSET':
          reset();
          reply('250 2.0.0 Ok');
          return undefined;
        case 'NOOP':
          reply('250 2.0.0 Ok');
          return undefined;
        case 'QUIT':
          reply('221 2.0.0 Bye');
          stream.end();
          return undefined;
        default:
          reply('502 5.5.2 Command not recognised');
          return undefined;
      }
    }

    function upgrade(): void {
      plain.off('data', onData);
      buffer = '';
      const secure = new tls.TLSSocket(plain, { isServer: true, secureContext });
      secure.on('error', () => plain.destroy());
      secure.on('secure', () => {
        record.secure = true;
        helo = '';
        reset();
      });
      secure.on('data', onData);
      stream = secure;
    }

    plain.on('data', onData);
    switch (options.greeting ?? 'normal') {
      case 'none':
        break;
      case 'reject':
        reply('554 5.3.2 No SMTP service here');
        break;
      case 'multiline':
        reply(`220 ${hostname} ESMTP`, '220 This is a test listener', '220 Say EHLO');
        break;
      default:
        reply(`220 ${hostname} ESMTP`);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    host,
    port: (server.address() as AddressInfo).port,
    sessions,
    messages,
    close: async () => {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A scenario's `smtp:` section. */
export interface ScenarioSmtp {
  starttls?: boolean;
  certificate?: ScenarioCertificate;
}

/**
 * Starts the listener a scenario describes: its certificate made fresh and signed as `issuer`
 * says (`trusted` by `trustedCa`, the CA the sandbox spec names as `caFile`).
 */
export function startScenarioSmtp(
  shape: ScenarioSmtp,
  trustedCa: TestCa,
  options: Omit<SmtpEmulatorOptions, 'key' | 'cert' | 'starttls'> = {},
): Promise<SmtpEmulator> {
  const certificate = shape.certificate
    ? certificateForScenario(shape.certificate, trustedCa)
    : undefined;
  const listener: SmtpEmulatorOptions = { ...options, starttls: shape.starttls ?? true };
  if (certificate) {
    listener.key = certificate.keyPem;
    listener.cert = certificate.chainPem;
  }
  return startSmtpEmulator(listener);
}
