// A user's file, type-checked and run by test/e2e/package.test.ts inside a scratch project where the
// packed tarball is installed: it uses every entry point of the package as documented.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNightshift, defineResource, isEngineError, isTaskFailure, TaskFailure, type Json, type Logger, type ResourceContext } from 'nightshift';
import { createClient, NightshiftApiError, type ErrorCode } from 'nightshift/client';
import { runWorkflow } from 'nightshift/testing';
import type { Workflows } from './nightshift-types.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Every field of the handler context that docs/embedding.md lists, with the type it documents. */
type Seen = { executionId: string; workflowName: string; stateName: string; attempt: number; idempotencyKey: string; taskToken: string | null; aborted: boolean; identity: Json };
let seen: Seen | null = null;
function read(context: ResourceContext): Seen {
  context.heartbeat();
  // @ts-expect-error: what the engine keeps for itself (the author's references) is not the handler's
  void context.authored;
  const { executionId, workflowName, stateName, attempt, idempotencyKey, taskToken, identity } = context;
  return { executionId, workflowName, stateName, attempt, idempotencyKey, taskToken, aborted: context.signal.aborted, identity };
}

const greet = defineResource<{ name: string }, { message: string }>('greet', async (input, context: ResourceContext) => {
  context.logger.info({ attempt: context.attempt, key: context.idempotencyKey }, 'greeting');
  seen = read(context);
  if (input.name === 'nobody') throw new TaskFailure('Greeting.NoName', 'nobody to greet');
  return { message: `Welcome, ${input.name}!` };
});

const known: ErrorCode = 'WORKFLOW_NOT_FOUND';
// @ts-expect-error: the client's error codes are a closed union
const unknownCode: ErrorCode = 'NO_SUCH_CODE';

async function main(): Promise<void> {
  const tested = await runWorkflow('workflows/hello.yaml', { input: { name: 'Ada' }, resources: { greet: greet.handler } });

  const nightshift = createNightshift<Workflows>({
    databaseUrl: process.env.NS_DATABASE_URL, workflows: ['workflows/hello.yaml'], resources: [greet], workers: 2, auth: 'disabled', logger: silent,
  });
  await nightshift.start();
  const server = createServer(nightshift.api.node({ basePath: '/jobs' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = createClient<Workflows>({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jobs` });
  try {
    if (process.env.NEVER) {
      // @ts-expect-error: the input of hello is { name: string }
      await client.start('hello', { name: 42 });
      // @ts-expect-error: no workflow is named so
      await nightshift.startExecution('nope', {});
    }
    const viaClient = await client.start('hello', { name: 'Bo' }, { wait: 10 });
    const direct = await nightshift.startExecution('hello', { name: 'Cy' }, { wait: 10 });
    let apiError: ErrorCode | null = null;
    try {
      await client.describeExecution('not-an-id');
    } catch (e) {
      if (e instanceof NightshiftApiError) apiError = e.code;
    }
    console.log(JSON.stringify({
      testing: { status: tested.status, path: tested.path },
      client: viaClient.output, direct: direct.output, apiError, known, unknownCode,
      taskFailure: isTaskFailure(new TaskFailure('A.B')),
      engineError: await nightshift.describeExecution('not-an-id').catch((e: unknown) => isEngineError(e) && e.code),
      context: seen && { ...(seen as Seen), executionId: (seen as Seen).executionId === direct.executionId, idempotencyKey: (seen as Seen).idempotencyKey === `${direct.executionId}:Greet:0` },
    }));
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await nightshift.stop();
  }
}

await main();
