// Fastify 5, the fastest common Node framework, serving a Timmy job poll's exact bytes (BODY_FILE) and healthz.
// Usage: PORT=... BODY_FILE=... node fastify.js
import { readFileSync } from "node:fs";
import Fastify from "fastify";

const body = readFileSync(process.env.BODY_FILE);
const app = Fastify({ logger: false });
app.get("/api/healthz", async () => ({ status: "ok" }));
app.get("/api/jobs/:id", (_req, reply) => reply.type("application/json; charset=utf-8").send(body));
await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
