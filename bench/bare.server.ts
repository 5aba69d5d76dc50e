// The baseline: a bare Fastify server (no logger, no hooks) answering GET /b/:i with the i-th body it was
// given on stdin, as JSON, so that it sends the same bytes the real route sends for the same request.
import Fastify from 'fastify';

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const bodies = JSON.parse(input) as string[];
const app = Fastify({ logger: false });
app.get('/b/:i', async (request, reply) =>
  reply.type('application/json; charset=utf-8').send(bodies[Number((request.params as { i: string }).i)]),
);
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`http://127.0.0.1:${(app.server.address() as { port: number }).port}\n`);
