import nodemailer, { type Transporter } from 'nodemailer';

/** Where mail goes and who it is from (from SMTP_URL and MAIL_FROM, see src/cli/config.ts). */
export interface MailOptions {
  /** smtp:// or smtps:// URL, with user and password when the server needs them. */
  smtpUrl: string;
  from: string;
  /** Bound on connecting and on each step of the exchange (default 10 s). */
  timeoutMs?: number;
}

/** One message. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** An HTML alternative to the text (the message is then multipart/alternative). */
  html?: string;
  /** Added as List-Unsubscribe (with one-click POST, RFC 8058) when given. */
  unsubscribeUrl?: string;
}

/**
 * About the longest one message's exchange can take: connecting, the greeting, then the commands, each wait
 * bounded by `timeoutMs` (the outbox's lease is derived from it).
 */
export function mailAttemptMs(options: MailOptions): number {
  return 3 * (options.timeoutMs ?? 10_000);
}

/** Sends mail through one SMTP server with nodemailer. */
export class Mailer {
  private readonly transport: Transporter;

  constructor(private readonly options: MailOptions) {
    const timeout = options.timeoutMs ?? 10_000;
    // The URL's settings (host, port, auth, secure) with bounded waits at every step.
    const url = new URL(options.smtpUrl);
    this.transport = nodemailer.createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      ...(url.username
        ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
        : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  async send(m: MailMessage): Promise<string> {
    const info = (await this.transport.sendMail({
      from: this.options.from,
      to: m.to,
      subject: m.subject,
      text: m.text,
      ...(m.html !== undefined ? { html: m.html } : {}),
      ...(m.unsubscribeUrl
        ? {
            headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
            list: { unsubscribe: m.unsubscribeUrl },
          }
        : {}),
    })) as { messageId: string };
    return info.messageId;
  }

  close(): void {
    this.transport.close();
  }
}
