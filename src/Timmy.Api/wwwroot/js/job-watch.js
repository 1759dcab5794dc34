// Follows a job live: Server-Sent Events from /api/jobs/{id}/events, falling back to polling GET /api/jobs/{id}.
import { call } from './api.js';

const FINAL = new Set(['complete', 'rejected', 'failed']);
const POLL_MS = 1500;

export const isFinal = (state) => FINAL.has(state);

/** Calls onJob with each new version of the job until it is final. Returns a function that stops watching. */
export function watchJob(jobId, onJob) {
  let stopped = false;
  let source = null;
  let timer = null;

  const deliver = (job) => {
    if (stopped) return;
    onJob(job);
    if (isFinal(job.state)) stop();
  };

  const poll = async () => {
    if (stopped) return;
    try {
      deliver((await call(`/api/jobs/${jobId}`)).data);
    } catch {
      // A failed poll is retried on the next tick.
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  };

  function stop() {
    stopped = true;
    source?.close();
    clearTimeout(timer);
  }

  if ('EventSource' in window) {
    source = new EventSource(`/api/jobs/${jobId}/events`);
    source.addEventListener('job', (event) => deliver(JSON.parse(event.data)));
    source.onerror = () => {
      // The stream dropped (a proxy, a restart, its time limit): carry on by polling.
      source.close();
      if (!stopped) poll();
    };
  } else {
    poll();
  }
  return stop;
}
