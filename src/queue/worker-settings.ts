export interface WorkerSettings {
  /** jobs this process runs at once */
  concurrency: number;
  /** how long a job's lock lasts without renewal: a worker killed mid-job frees its job after this */
  lockDurationMs: number;
  /** how often a worker looks for jobs whose lock ran out (BullMQ's stalled-job check) */
  stalledIntervalMs: number;
}

/** BullMQ's defaults, kept: 30 s for a lock, renewed every 15 s, and a stalled check every 30 s */
export const DEFAULT_WORKER_SETTINGS: WorkerSettings = { concurrency: 1, lockDurationMs: 30_000, stalledIntervalMs: 30_000 };
