// Runs workflows/welcome.yaml in memory: the Wait passes at once (virtual time), nothing is sent anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkflow } from 'nightshift/testing';
import { resources } from '../handlers.mjs';

test('welcome greets the user, then waits a day', async () => {
  const workflow = new URL('../workflows/welcome.yaml', import.meta.url).pathname;
  const run = await runWorkflow(workflow, { input: { name: 'Ada' }, resources });
  assert.equal(run.status, 'SUCCEEDED');
  assert.deepEqual(run.path, ['Greet', 'WaitOneDay', 'Done']);
  assert.deepEqual(run.state('Greet').output, { name: 'Ada', greeting: { message: 'Welcome, Ada!' } });
});
