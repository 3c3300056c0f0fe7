// Tests of examples/testing/workflows/renew-subscription.yaml with nightshift/testing: no database, no
// network, and the three-day Wait and ten-minute retries pass at once (virtual time).
// Run: node scripts/test.mjs examples/testing   (renew-subscription.vitest.ts has the same tests for vitest).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkflow, TaskFailure } from 'nightshift/testing';

const workflow = new URL('./workflows/renew-subscription.yaml', import.meta.url).pathname;
const input = { customer: 'ada@example.com', amount: 1200 };

describe('renew-subscription', () => {
  it('charges the card once and renews', async () => {
    const run = await runWorkflow(workflow, { input, resources: { 'charge-card': { chargeId: 'ch_1' } } });
    assert.equal(run.status, 'SUCCEEDED');
    assert.deepEqual(run.path, ['Charge', 'Renewed']);
    assert.deepEqual(run.state('Charge').output, { ...input, charge: { chargeId: 'ch_1' } });
  });

  it('retries while the payment provider is unavailable', async () => {
    let calls = 0;
    const run = await runWorkflow(workflow, {
      input,
      resources: {
        'charge-card': () => {
          calls += 1;
          if (calls < 3) throw new TaskFailure('Payment.Unavailable', 'provider down');
          return { chargeId: 'ch_2' };
        },
      },
    });
    assert.equal(run.status, 'SUCCEEDED');
    assert.deepEqual(run.calls.map((c) => c.attempt), [0, 1, 2]);
  });

  it('reminds the customer three days after a declined card, then lapses', async () => {
    const run = await runWorkflow(workflow, {
      input,
      startAt: '2030-01-01T09:00:00Z',
      resources: {
        'charge-card': () => {
          throw new TaskFailure('Payment.Declined', 'insufficient funds');
        },
        'send-email': { messageId: 'm-1' },
      },
    });
    assert.deepEqual([run.status, run.error], ['FAILED', 'Subscription.Lapsed']);
    assert.deepEqual(run.path, ['Charge', 'WaitThreeDays', 'Remind', 'Lapsed']);
    // Virtual time jumped three days; the milliseconds the run took for real are on top.
    assert.match(run.state('Remind').enteredAt, /^2030-01-04T09:00:/);
    assert.deepEqual(run.calls.find((c) => c.resource === 'send-email')?.input, { to: 'ada@example.com', template: 'card-declined' });
  });
});
