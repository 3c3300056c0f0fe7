/**
 * Nightshift's modules for the durable benchmarks, as users run them: the compiled `dist/` when it is
 * there (`npm run build`; `npm run bench` builds first), else `src/` through tsx. Every durable
 * benchmark file takes Nightshift from here, so one run never mixes the two trees. Run
 * `npm run build` after changing `src/`, or the benchmark measures the previous build.
 */
import { existsSync } from 'node:fs';

type Asl = typeof import('../src/asl/index.ts');
type WorkflowResources = typeof import('../src/boot/workflow-resources.ts');
type Resources = typeof import('../src/resources/index.ts');
type Runtime = typeof import('../src/runtime/index.ts');
type Service = typeof import('../src/service/index.ts');
type Shared = typeof import('../src/shared/index.ts');
type Store = typeof import('../src/store/index.ts');
type Triggers = typeof import('../src/triggers/index.ts');

const built = existsSync(new URL('../dist/service/index.js', import.meta.url));

/** Which tree this run measures, for the report. */
export const nightshiftBuild = built ? 'dist (compiled)' : 'src (through tsx)';

function load<T>(module: string): Promise<T> {
  return import(new URL(built ? `../dist/${module}.js` : `../src/${module}.ts`, import.meta.url).href) as Promise<T>;
}

export const { loadWorkflow } = await load<Asl>('asl/index');
export const { registerWorkflowResources } = await load<WorkflowResources>('boot/workflow-resources');
export const { ResourceRegistry } = await load<Resources>('resources/index');
export const { DurableRuntime } = await load<Runtime>('runtime/index');
export const { deployWorkflow, removeOldExecutions, scheduleList, scheduleRun, startExecution } = await load<Service>('service/index');
export const { systemClock } = await load<Shared>('shared/index');
export const { connect, migrate } = await load<Store>('store/index');
export const { scheduledRunJobHandlers } = await load<Triggers>('triggers/index');

export type { Json } from '../src/shared/index.ts';
export type { Sql } from '../src/store/index.ts';
export type { ServiceDeps } from '../src/service/index.ts';
export type JobHandler = import('../src/runtime/index.ts').JobHandler;
export type DurableRuntime = InstanceType<Runtime['DurableRuntime']>;
export type ResourceRegistry = InstanceType<Resources['ResourceRegistry']>;
