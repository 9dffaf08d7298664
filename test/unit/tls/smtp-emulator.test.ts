// The SMTP emulator is what later end-to-end checks deliver their test message to, so its own
// mail handling is tested here with a plain client.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { describe, it } from 'node:test';
import { createTestCa, issueCertificate } from '../../emulators/certs/test-certificates';
import { startSmtpEmulator } from '../../emulators/smtp/smtp-emulator';

/** Reads whole replies (the last line has a space after the code) from a socket. */
function replies(socket: net.Socket): () => Promise<string> {
  let buffer = '';
  const waiting: ((reply: string) => void)[] = [];
  const ready: string[] = [];
  const onData = (chunk: Buffer): void => {
    buffer += chunk.toString('utf8');
    const match = /(^|\n)\d{3} [^\n]*\r\n/.exec(buffer);
    if (match) {
      const end = match.index + match[0].length;
      const reply = buffer.slice(0, end);
      buffer = buffer.slice(end);
      const waiter = waiting.shift();
      if (waiter) {
        waiter(reply);
      } else {
        ready.push(reply);
      }
    }
  };
  socket.on('data', onData);
  return () => {
    const next = ready.shift();
    return next !== undefined
      ? Promise.resolve(next)
      : new Promise((resolve) => waiting.push(resolve));
  };
}

describe('SMTP emulator', () => {
  it('accepts a message over STARTTLS and records it with dot-stuffing undone', async () => {
    const ca = createTestCa();
    const certificate = issueCertificate(ca, { names: ['mail.example.com'] });
    const smtp = await startSmtpEmulator({ key: certificate.keyPem, cert: certificate.chainPem });
    try {
      const plain = net.connect({ host: smtp.host, port: smtp.port });
      const plainReply = replies(plain);
      assert.match(await plainReply(), /^220 mail\.example\.com/);
      plain.write('EHLO client.example\r\n');
      assert.match(await plainReply(), /250-STARTTLS/);
      plain.write('STARTTLS\r\n');
      assert.match(await plainReply(), /^220 /);
      plain.removeAllListeners('data');

      const secure = tls.connect({ socket: plain, servername: 'mail.example.com', ca: ca.certPem });
      await new Promise<void>((resolve, reject) => {
        secure.once('secureConnect', resolve);
        secure.once('error', reject);
      });
      assert.ok(secure.authorized);
      const reply = replies(secure);
      secure.write('MAIL FROM:<app@example.com>\r\n');
      assert.match(await reply(), /^503 /, 'EHLO is needed again after STARTTLS');
      secure.write('EHLO client.example\r\n');
      assert.doesNotMatch(await reply(), /STARTTLS/);
      secure.write('MAIL FROM:<app@example.com>\r\n');
      assert.match(await reply(), /^250 /);
      secure.write('RCPT TO:<alice@example.com>\r\n');
      assert.match(await reply(), /^250 /);
      secure.write('DATA\r\n');
      assert.match(await reply(), /^354 /);
      secure.write('Subject: test\r\n\r\n..leading dot\r\nbody\r\n.\r\n');
      assert.match(await reply(), /^250 2\.0\.0/);
      secure.write('QUIT\r\n');
      assert.match(await reply(), /^221 /);
      secure.destroy();

      assert.equal(smtp.messages.length, 1);
      assert.deepEqual(smtp.messages[0], {
        from: 'app@example.com',
        to: ['alice@example.com'],
        data: 'Subject: test\r\n\r\n.leading dot\r\nbody',
        secure: true,
        helo: 'client.example',
      });
    } finally {
      await smtp.close();
    }
  });

  it('refuses DATA without a recipient and unknown commands', async () => {
    const smtp = await startSmtpEmulator({ starttls: false });
    try {
      const socket = net.connect({ host: smtp.host, port: smtp.port });
      const reply = replies(socket);
      await reply();
      socket.write('HELO client.example\r\n');
      assert.match(await reply(), /^250 mail\.example\.com/);
      socket.write('DATA\r\n');
      assert.match(await reply(), /^503 /);
      socket.write('VRFY alice\r\n');
      assert.match(await reply(), /^502 /);
      socket.write('STARTTLS\r\n');
      assert.match(await reply(), /^502 /);
      socket.destroy();
      assert.deepEqual(smtp.messages, []);
    } finally {
      await smtp.close();
    }
  });
});
