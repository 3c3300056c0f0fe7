/**
 * email:send's transport: nodemailer over SMTP with the `smtp:` settings of nightshift.yaml, resolved for each
 * call (so `${secrets.SMTP_PASSWORD}` is read when a message goes, and a rotated password is picked up).
 *
 * One connection per message, opened here and handed to nodemailer (its `getSocket` hook), so that an aborted
 * or timed-out call can end it at once: nodemailer's own close() leaves a connection that is mid-conversation
 * open until its socket timeout. nodemailer still does the TLS (for `secure`, and STARTTLS).
 */
import { connect, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import type { SmtpConfig } from '../config/index.ts';
import { TaskFailure, type EmailTransport } from '../resources/index.ts';

export function createSmtpTransport(smtp: SmtpConfig): EmailTransport {
  return (resolve) => {
    const host = resolve(smtp.host, 'smtp.host');
    const port = portOf(resolve(String(smtp.port), 'smtp.port'));
    const secure = flagOf(smtp.secure, resolve, 'smtp.secure');
    const requireTLS = flagOf(smtp.requireTLS, resolve, 'smtp.requireTLS');
    const auth = smtp.auth ? { user: resolve(smtp.auth.user, 'smtp.auth.user'), pass: resolve(smtp.auth.pass, 'smtp.auth.pass') } : undefined;
    const sockets = new Set<Socket>();
    const transporter = nodemailer.createTransport({
      host,
      port,
      secure,
      requireTLS,
      auth,
      // Attachments are checked by email:send; these make sure nodemailer itself never reads a path or URL.
      disableFileAccess: true,
      disableUrlAccess: true,
      connectionTimeout: smtp.timeoutSeconds * 1000,
      greetingTimeout: smtp.timeoutSeconds * 1000,
      socketTimeout: smtp.timeoutSeconds * 1000,
      getSocket(_options: unknown, callback: (error: Error | null, socketOptions: unknown) => void) {
        const socket = connect({ host, port });
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        const failed = (error: Error) => callback(error, undefined);
        socket.once('error', failed);
        socket.once('connect', () => {
          socket.off('error', failed);
          callback(null, { connection: socket });
        });
      },
    });
    return {
      sendMail: (message) => transporter.sendMail(message),
      close: () => {
        for (const socket of sockets) socket.destroy();
        transporter.close();
      },
    };
  };
}

function portOf(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TaskFailure('Email.Connection', 'smtp.port is not a port number');
  return port;
}

function flagOf(value: boolean | string, resolve: (text: string, where: string) => string, where: string): boolean {
  if (typeof value === 'boolean') return value;
  const text = resolve(value, where).trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new TaskFailure('Email.Connection', `${where} must be true or false`);
}
