/**
 * The service, boot and config functions the commands call, loaded only once a command runs: main.ts
 * awaits loadVerbs() in commander's preAction hook, so `nightshift --help` (and a mistyped command)
 * never loads the engine. Measured from dist/ on a 2-core machine at load average ~17: `--help` went
 * from 1.2–1.6 s to 0.43–0.67 s, where `node -e 0` alone takes 0.18–0.31 s.
 */
import type * as Boot from '../boot/index.ts';
import type * as Configuration from '../config/index.ts';
import type * as Service from '../service/index.ts';
import type * as Shared from '../shared/index.ts';

let service: typeof Service | undefined;
// shared too: its index loads zod, uuid and re2js, which took most of `--help`'s time (measured in
// docs/performance.md); errors are built once a command runs, or when the command line fails.
let shared: typeof Shared | undefined;
let boot: typeof Boot | undefined;
let configuration: typeof Configuration | undefined;

export async function loadVerbs(): Promise<void> {
  [service, boot, configuration] = await Promise.all([import('../service/index.ts'), import('../boot/index.ts'), import('../config/index.ts'), loadShared()]);
}

/** The shared module alone (error codes and classes), for a command line that failed before any command ran. */
export async function loadShared(): Promise<typeof Shared> {
  shared ??= await import('../shared/index.ts');
  return shared;
}

/** The shared module once loaded, else undefined (nothing ran that could have raised its errors). */
export function loadedShared(): typeof Shared | undefined {
  return shared;
}

/** `new EngineError(…)` of the shared module, for commands (they run after loadVerbs). */
export function engineError(code: Shared.ErrorCode, message: string, options?: { details?: unknown; cause?: unknown }): Error {
  return new (loaded(shared).EngineError)(code, message, options);
}

function loaded<T>(module: T | undefined): T {
  if (!module) throw new Error('the command ran before loadVerbs()');
  return module;
}

type Fn = (...args: never[]) => unknown;
/** A function of a module loaded later, callable as if imported. */
function later<M, K extends keyof M>(get: () => M | undefined, name: K): M[K] {
  return ((...args: never[]) => (loaded(get())[name] as Fn)(...args)) as M[K];
}

const fromService = <K extends keyof typeof Service>(name: K) => later(() => service, name);

export const sharedModule = (): typeof Shared => loaded(shared);

/** Kept here because option help lists them before anything loads; test/cli-project.test.ts checks they match the service's. */
export const scheduledItemKinds = ['scheduled-run', 'wait', 'task-token', 'cron', 'held', 'unserved'] as const;

export const createEngine = later(() => boot, 'createEngine');
export const createLocalEngine = later(() => boot, 'createLocalEngine');
export const createLogger = later(() => boot, 'createLogger');
export const registerHandlersModule = later(() => boot, 'registerHandlersModule');
export const loadConfig = later(() => configuration, 'loadConfig');
export const projectDirOfFile = later(() => configuration, 'projectDirOfFile');
export const requireProjectDir = later(() => configuration, 'requireProjectDir');
export const projectDirFor = later(() => configuration, 'projectDirFor');
export const remoteServer = later(() => configuration, 'remoteServer');
export const formatProblems = fromService('formatProblems');
export const executeOnce = fromService('executeOnce');
export const validateFile = fromService('validateFile');
export const validateFiles = fromService('validateFiles');
export const describeExecution = fromService('describeExecution');
export const executionHistory = fromService('executionHistory');
export const listExecutions = fromService('listExecutions');
export const redriveExecution = fromService('redriveExecution');
export const startExecution = fromService('startExecution');
export const stopExecution = fromService('stopExecution');
export const waitForExecution = fromService('waitForExecution');
export const createApiKey = fromService('createApiKey');
export const listApiKeys = fromService('listApiKeys');
export const revokeApiKey = fromService('revokeApiKey');
export const scaffoldProject = fromService('scaffoldProject');
export const workflowInputTypes = fromService('workflowInputTypes');
export const deleteSchedule = fromService('deleteSchedule');
export const describeSchedule = fromService('describeSchedule');
export const listSchedules = fromService('listSchedules');
export const pauseSchedule = fromService('pauseSchedule');
export const resumeSchedule = fromService('resumeSchedule');
export const cancelScheduled = fromService('cancelScheduled');
export const cancelScheduledBy = fromService('cancelScheduledBy');
export const describeScheduledRun = fromService('describeScheduledRun');
export const getBatch = fromService('getBatch');
export const listScheduled = fromService('listScheduled');
export const runNow = fromService('runNow');
export const scheduleList = fromService('scheduleList');
export const scheduleRun = fromService('scheduleRun');
export const ensureLocalAdminKey = fromService('ensureLocalAdminKey');
export const hasApiKeys = fromService('hasApiKeys');
export const listWorkflows = fromService('listWorkflows');
export const removeWorkflow = fromService('removeWorkflow');
