// Express 5, the seed's own stack, serving a Timmy job poll's exact bytes (BODY_FILE) and the healthz answer.
// Usage: PORT=... BODY_FILE=... node express.js
import { readFileSync } from "node:fs";
import express from "express";

const body = readFileSync(process.env.BODY_FILE);
const app = express();
app.disable("x-powered-by");
app.disable("etag"); // Timmy's poll sends no ETag either; computing one per request would tax only this peer.
app.get("/api/healthz", (_req, res) => res.json({ status: "ok" }));
app.get("/api/jobs/:id", (_req, res) => res.type("application/json; charset=utf-8").send(body));
app.listen(Number(process.env.PORT), "127.0.0.1");
