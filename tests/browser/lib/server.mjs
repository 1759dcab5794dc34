// Starts Timmy the way the README does (dotnet run), on a free loopback port with a private database file.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
const STARTUP_TIMEOUT_MS = 90_000;

/** Starts the server; `env` adds settings (e.g. `{ Boundary__MinBundleSats: '100' }`). */
export async function startServer(env = {}) {
  const dataFolder = mkdtempSync(join(tmpdir(), 'timmy-browser-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  // Its own process group, so stopping it also stops the app that `dotnet run` started.
  const child = spawn('dotnet', ['run', '--no-build', '--project', 'src/Timmy.Api', '--', '--urls', baseUrl], {
    cwd: REPO_ROOT,
    detached: true,
    env: { ...process.env, ConnectionStrings__Timmy: `Data Source=${join(dataFolder, 'timmy.db')}`, DOTNET_NOLOGO: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });

  const stop = async () => {
    if (child.exitCode === null) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await new Promise((done) => child.once('exit', done));
    }
    rmSync(dataFolder, { recursive: true, force: true });
  };

  try {
    await waitUntilHealthy(baseUrl, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, stop, output: () => output };
}

async function waitUntilHealthy(baseUrl, child, output) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}/api/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`The server did not answer /api/healthz within ${STARTUP_TIMEOUT_MS} ms:\n${output()}`);
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}
