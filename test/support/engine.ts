/** A durable engine on a fresh test database, with the conformance test resources registered. */
import { loadWorkflow } from '../../src/asl/index.ts';
import { registerBuiltinResources, ResourceRegistry } from '../../src/resources/index.ts';
import { registerWorkflowResources } from '../../src/boot/workflow-resources.ts';
import { DurableRuntime, MemoryRunner, type JobHandler } from '../../src/runtime/index.ts';
import { deployWorkflow, type ServiceDeps } from '../../src/service/index.ts';
import { systemClock } from '../../src/shared/index.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { registerTestResources } from './test-resources.ts';

export interface TestEngine {
  db: TestDatabase;
  registry: ResourceRegistry;
  runtime: DurableRuntime;
  deps: ServiceDeps;
  deploy(definition: unknown, name: string): Promise<void>;
  close(): Promise<void>;
}

export interface TestEngineOptions {
  concurrency?: number;
  registry?: ResourceRegistry;
  /** Extra job kinds (triggers), given the service deps once they exist. */
  jobHandlers?: (deps: ServiceDeps) => Record<string, JobHandler>;
}

export async function createTestEngine(options: TestEngineOptions = {}): Promise<TestEngine> {
  const db = await createTestDatabase();
  const registry = options.registry ?? registerTestResources(registerBuiltinResources(new ResourceRegistry()));
  const runtime = new DurableRuntime({ sql: db.sql, registry, concurrency: options.concurrency ?? 16, pollMs: 250, leaseMs: 10_000 });
  const transient = new MemoryRunner({ registry, clock: systemClock });
  const deps: ServiceDeps = { sql: db.sql, runtime, clock: systemClock, transient, transientRuns: new Map() };
  registerWorkflowResources(registry, deps);
  await runtime.start(options.jobHandlers?.(deps) ?? {});
  return {
    db,
    registry,
    runtime,
    deps,
    async deploy(definition, name) {
      const { workflow, problems } = loadWorkflow(JSON.stringify(definition), `${name}.json`, { isKnownResource: (r) => registry.has(r) });
      if (!workflow) throw new Error(`invalid test workflow ${name}: ${JSON.stringify(problems)}`);
      await deployWorkflow(deps, workflow);
    },
    async close() {
      await runtime.stop(2_000);
      transient.close();
      await db.drop();
    },
  };
}
