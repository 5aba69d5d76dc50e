// A real SMTP server in its own process for mail tests (`node --import tsx test/smtp-child.ts`): it listens
// on 127.0.0.1 on a free port, prints {"port": n} and then one JSON line per message it accepts, parsed with
// mailparser (envelope, subject, text, the headers the tests look at).
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 1024 * 1024,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        const raw = (key: string) => {
          const h = mail.headerLines.find((l) => l.key === key);
          return h ? h.line.slice(h.line.indexOf(':') + 1).trim() : null;
        };
        const line = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: mail.subject ?? '',
          text: mail.text ?? '',
          html: typeof mail.html === 'string' ? mail.html : '',
          // The raw header values (mailparser folds List-* headers into one object of its own).
          listUnsubscribe: raw('list-unsubscribe'),
          listUnsubscribePost: raw('list-unsubscribe-post'),
        };
        process.stdout.write(`${JSON.stringify(line)}\n`);
        callback();
      })
      .catch((e: Error) => callback(e));
  },
});
server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
  );
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
