// A user's vitest test of workflows/hello.yaml with the installed nightshift/testing, run by
// test/e2e/package.test.ts as vitest/hello.test.ts of the scratch project (`vitest run --dir vitest`).
import { expect, it, vi } from 'vitest';
import { runWorkflow, TaskFailure } from 'nightshift/testing';

it('greets by name', async () => {
  const greet = vi.fn((input: { name: string }) => ({ message: `Welcome, ${input.name}!` }));
  const run = await runWorkflow('workflows/hello.yaml', { input: { name: 'Ada' }, resources: { greet } });
  expect(run).toMatchObject({ status: 'SUCCEEDED', output: { message: 'Welcome, Ada!' }, path: ['Greet'] });
  expect(greet).toHaveBeenCalledOnce();
});

it('fails with the error name a mock throws', async () => {
  const run = await runWorkflow('workflows/hello.yaml', {
    input: { name: 'nobody' },
    resources: { greet: () => { throw new TaskFailure('Greeting.NoName', 'nobody to greet'); } },
  });
  expect([run.status, run.error, run.cause]).toEqual(['FAILED', 'Greeting.NoName', 'nobody to greet']);
});
