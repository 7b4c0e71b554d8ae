export { DEFAULT_WORKER_LIMITS, IndexWorker, IndexWorkerCrashed, IndexWorkerUnavailable, type IndexWorkerOptions } from './indexWorker';
