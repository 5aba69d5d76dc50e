// The baseline: a bare Fastify server (no logger, no hooks) answering GET /b/:i with the i-th body it was
// given on stdin, as JSON, so that it sends the same bytes the real route sends for the same request. With an
// encoding as its argument (br or gzip), it sends each body compressed once at start as the real server compresses
// it per request (compressedAs), with that Content-Encoding: the same bytes on the wire.
import Fastify from 'fastify';
import { compressedAs } from '../src/server/reply-compression.js';

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const encoding = process.argv[2] as 'br' | 'gzip' | undefined;
const bodies = (JSON.parse(input) as string[]).map((b) =>
  encoding ? compressedAs(encoding, Buffer.from(b)) : b,
);
const app = Fastify({ logger: false });
app.get('/b/:i', async (request, reply) => {
  if (encoding) reply.header('content-encoding', encoding);
  return reply
    .type('application/json; charset=utf-8')
    .send(bodies[Number((request.params as { i: string }).i)]);
});
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`http://127.0.0.1:${(app.server.address() as { port: number }).port}\n`);
