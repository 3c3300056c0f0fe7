/**
 * A handler may come from another copy of the package (a linked install, two versions in node_modules):
 * its TaskFailure is another class. The runtimes tell a TaskFailure by its shape, so the error name
 * survives; these tests load a second copy of the module from another path to prove it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadWorkflow } from '../../src/asl/index.ts';
import { isTaskFailure, registerBuiltinResources, ResourceRegistry, SecretScope, TaskFailure, type InvocationContext } from '../../src/resources/index.ts';
import { MemoryRunner } from '../../src/runtime/index.ts';
import { startExecution, waitForExecution } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

type FailureClass = new (error: string, cause?: string) => Error;
let copyDir: string;
let OtherTaskFailure: FailureClass;
let engine: TestEngine;

const machine = {
  StartAt: 'Charge',
  States: {
    Charge: { Type: 'Task', Resource: 'charge', Catch: [{ ErrorEquals: ['Payment.Declined'], Next: 'Declined' }], End: true },
    Declined: { Type: 'Pass', Parameters: { 'declined.$': '$.Error', 'why.$': '$.Cause' }, End: true },
  },
};

before(async () => {
  // The module copied under another path is a second module instance, with its own TaskFailure class.
  copyDir = mkdtempSync(join(tmpdir(), 'nightshift-copy-'));
  mkdirSync(join(copyDir, 'resources'));
  copyFileSync(new URL('../../src/resources/resource.ts', import.meta.url), join(copyDir, 'resources', 'resource.ts'));
  ({ TaskFailure: OtherTaskFailure } = (await import(pathToFileURL(join(copyDir, 'resources', 'resource.ts')).href)) as { TaskFailure: FailureClass });
  engine = await createTestEngine();
  engine.registry.register('charge', () => {
    throw new OtherTaskFailure('Payment.Declined', 'card expired');
  });
  await engine.deploy(machine, 'charge-card');
});
after(async () => {
  await engine.close();
  rmSync(copyDir, { recursive: true, force: true });
});

describe('a TaskFailure from another copy of the package', () => {
  it('is a different class, yet isTaskFailure recognises it by its shape', () => {
    const other = new OtherTaskFailure('Payment.Declined', 'card expired');
    assert.equal(other instanceof TaskFailure, false);
    assert.equal(isTaskFailure(other), true);
    assert.equal(isTaskFailure(new Error('plain')), false);
    assert.equal(isTaskFailure({ name: 'TaskFailure' }), false);
  });

  it('keeps its error name in the in-memory runner, so Catch matches it', async () => {
    const registry = registerBuiltinResources(new ResourceRegistry()).register('charge', async () => {
      throw new OtherTaskFailure('Payment.Declined', 'card expired');
    });
    const runner = new MemoryRunner({ registry });
    const { workflow } = loadWorkflow(JSON.stringify(machine), 'charge.json', { isKnownResource: (r) => registry.has(r) });
    const result = await runner.run(workflow!.definition, {});
    runner.close();
    assert.deepEqual(result.output, { declined: 'Payment.Declined', why: 'card expired' });
  });

  it('keeps its error name in the durable runtime, so Catch matches it', async () => {
    const started = await startExecution(engine.deps, { workflow: 'charge-card', input: {} });
    const end = await waitForExecution(engine.deps, started.executionId, 10_000);
    assert.deepEqual([end.status, end.output], ['SUCCEEDED', { declined: 'Payment.Declined', why: 'card expired' }]);
  });

  it('keeps its error name when secrets are redacted from it', () => {
    const scope = new SecretScope({ secret: () => 's3cret', env: () => undefined }, {} as InvocationContext);
    assert.equal(scope.resolveText('${secrets.KEY}', 'key'), 's3cret');
    const redacted = scope.redactFailure(new OtherTaskFailure('Payment.Declined', 'key s3cret refused'));
    assert.ok(isTaskFailure(redacted), 'still a TaskFailure');
    assert.deepEqual([redacted.error, redacted.causeText], ['Payment.Declined', 'key [redacted] refused']);
  });
});
