/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps every message it accepted, parsed by
 * mailparser, with its envelope. Recipients starting with `reject` are refused with 550, `later` with 450, and
 * `slow` never get an answer (a peer that hangs). With `auth`, the server checks those credentials.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  parsed: ParsedMail;
}

export interface SmtpPeer {
  port: number;
  received: ReceivedMail[];
  /** Credentials the server was offered, in order. */
  logins: Array<{ user: string; pass: string }>;
  close(): Promise<void>;
}

export async function startSmtpPeer(options: { auth?: { user: string; pass: string } } = {}): Promise<SmtpPeer> {
  const received: ReceivedMail[] = [];
  const logins: SmtpPeer['logins'] = [];
  const refuse = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: options.auth === undefined,
    allowInsecureAuth: true,
    closeTimeout: 200,
    onAuth(auth, _session, callback) {
      logins.push({ user: auth.username ?? '', pass: auth.password ?? '' });
      const ok = options.auth && auth.username === options.auth.user && auth.password === options.auth.pass;
      if (ok) callback(null, { user: auth.username });
      else callback(refuse(535, 'Authentication failed'));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('reject')) return callback(refuse(550, `mailbox ${address.address} unavailable`));
      if (address.address.startsWith('later')) return callback(refuse(450, 'try again later'));
      if (address.address.startsWith('slow')) return; // never answers
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const envelope = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          };
          received.push({ envelope, parsed });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
