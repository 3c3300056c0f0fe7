/** nightshift/testing: runWorkflow against definitions given as objects (the example covers files). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkflow } from '../src/testing/index.ts';

const fanOut = {
  name: 'fan-out',
  parameters: { type: 'object', required: ['ids'], properties: { ids: { type: 'array' } } },
  definition: {
    StartAt: 'Each',
    States: {
      Each: { Type: 'Map', ItemsPath: '$.ids', ItemProcessor: { StartAt: 'Load', States: { Load: { Type: 'Task', Resource: 'load', End: true } } }, Next: 'Later' },
      Later: { Type: 'Wait', Seconds: 31_536_000, Next: 'Done' },
      Done: { Type: 'Succeed' },
    },
  },
};

describe('runWorkflow', () => {
  it('reads the path, the visits of every thread, the calls and the history', async () => {
    const started = Date.now();
    const run = await runWorkflow(fanOut, { input: { ids: [1, 2] }, resources: { load: (id: number) => ({ id, loaded: true }) } });
    assert.ok(Date.now() - started < 5_000, 'a one-year Wait passes at once');
    assert.equal(run.status, 'SUCCEEDED');
    assert.deepEqual(run.path, ['Each', 'Later', 'Done']);
    assert.deepEqual(run.state('Each').output, [{ id: 1, loaded: true }, { id: 2, loaded: true }]);
    assert.deepEqual(run.visits.filter((v) => v.name === 'Load').map((v) => v.input).sort(), [1, 2]);
    assert.deepEqual(run.calls.map((c) => c.input).sort(), [1, 2]);
    assert.equal(run.history[0].type, 'ExecutionStarted');
    assert.equal(run.history.at(-1)?.type, 'ExecutionSucceeded');
  });

  it('fails a Task whose resource is not mocked, naming the resource', async () => {
    const run = await runWorkflow({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'http:invoke', End: true } } });
    assert.equal(run.error, 'States.Runtime');
    assert.match(run.cause ?? '', /http:invoke/);
  });

  it("checks the input against the workflow's parameters", async () => {
    await assert.rejects(runWorkflow(fanOut, { input: { ids: 'nope' } }), { code: 'INPUT_INVALID' });
  });

  it('refuses an invalid definition with every problem and its location', async () => {
    await assert.rejects(runWorkflow({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } }), (e: { code: string; message: string }) =>
      e.code === 'DEFINITION_INVALID' && /\/States\/A\/Next/.test(e.message));
  });

  it('says which states were entered when asked for one that was not', async () => {
    const run = await runWorkflow({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
    assert.throws(() => run.state('B'), /never entered the state "B"; its path was A/);
  });
});
