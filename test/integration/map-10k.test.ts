import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startExecution, waitForExecution } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
before(async () => {
  engine = await createTestEngine({ concurrency: 32 });
});
after(() => engine.close());

describe('a large Map', () => {
  it('fans 10 000 items out durably and joins them in order', async () => {
    await engine.deploy(
      {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 200,
            ItemProcessor: { StartAt: 'Square', States: { Square: { Type: 'Pass', Parameters: { 'i.$': '$' }, End: true } } },
            ResultSelector: { 'count.$': 'States.ArrayLength($)', 'last.$': '$[9999].i' },
            End: true,
          },
        },
      },
      'big-map',
    );
    const items = Array.from({ length: 10_000 }, (_, i) => i);
    const started = await startExecution(engine.deps, { workflow: 'big-map', input: { items } });
    const end = await waitForExecution(engine.deps, started.executionId, 120_000);
    assert.deepEqual([end.status, end.output], ['SUCCEEDED', { count: 10000, last: 9999 }]);
  });
});
