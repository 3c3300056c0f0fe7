/** Every conformance case through validation and the in-memory runner (the core), on a virtual clock. */
import { describe, it, after } from 'node:test';
import { validateStateMachine } from '../../src/asl/index.ts';
import type { StateMachine } from '../../src/asl/index.ts';
import { ResourceRegistry } from '../../src/resources/index.ts';
import { MemoryRunner } from '../../src/runtime/memory/runner.ts';
import { registerTestResources } from '../support/test-resources.ts';
import { checkOutcome, loadCases, type ConformanceCase, type Outcome } from './cases.ts';

const registry = registerTestResources(new ResourceRegistry());
const runner = new MemoryRunner({ registry, virtualTime: true });
after(() => runner.close());

async function runCase(c: ConformanceCase): Promise<Outcome> {
  const problems = validateStateMachine(c.definition, { isKnownResource: (name) => registry.has(name) });
  if (problems.length > 0) return { status: 'INVALID', problems };
  const result = await runner.run(c.definition as unknown as StateMachine, c.input ?? {}, {
    name: c.executionName ?? 'execution',
    workflowName: 'conformance',
  });
  return { status: result.status, output: result.output, error: result.error, cause: result.cause };
}

const byFile = new Map<string, ConformanceCase[]>();
for (const c of loadCases()) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);

for (const [file, cases] of byFile) {
  describe(`conformance ${file}`, { concurrency: true }, () => {
    for (const c of cases) {
      it(c.name, async () => checkOutcome(c.expect, await runCase(c)));
    }
  });
}
