// The tests of renew-subscription.test.ts, written for vitest: `vi.fn()` mocks, `expect`. Run from this
// folder: `npx vitest run` (vitest.config.ts picks *.vitest.ts only).
import { describe, expect, it, vi } from 'vitest';
import { runWorkflow, TaskFailure } from 'nightshift/testing';

const workflow = new URL('./workflows/renew-subscription.yaml', import.meta.url).pathname;
const input = { customer: 'ada@example.com', amount: 1200 };

describe('renew-subscription', () => {
  it('charges the card once and renews', async () => {
    const charge = vi.fn(() => ({ chargeId: 'ch_1' }));
    const run = await runWorkflow(workflow, { input, resources: { 'charge-card': charge } });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.path).toEqual(['Charge', 'Renewed']);
    expect(charge).toHaveBeenCalledOnce();
    expect(charge).toHaveBeenCalledWith(input, expect.objectContaining({ stateName: 'Charge', attempt: 0 }));
    expect(run.state('Charge').output).toEqual({ ...input, charge: { chargeId: 'ch_1' } });
  });

  it('retries while the payment provider is unavailable', async () => {
    const charge = vi.fn()
      .mockImplementationOnce(() => { throw new TaskFailure('Payment.Unavailable', 'provider down'); })
      .mockImplementationOnce(() => { throw new TaskFailure('Payment.Unavailable', 'provider down'); })
      .mockReturnValue({ chargeId: 'ch_2' });
    const run = await runWorkflow(workflow, { input, resources: { 'charge-card': charge } });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls.map((c) => c.attempt)).toEqual([0, 1, 2]);
  });

  it('reminds the customer three days after a declined card, then lapses', async () => {
    const run = await runWorkflow(workflow, {
      input,
      startAt: '2030-01-01T09:00:00Z',
      resources: {
        'charge-card': () => { throw new TaskFailure('Payment.Declined', 'insufficient funds'); },
        'send-email': { messageId: 'm-1' },
      },
    });
    expect(run).toMatchObject({ status: 'FAILED', error: 'Subscription.Lapsed' });
    expect(run.path).toEqual(['Charge', 'WaitThreeDays', 'Remind', 'Lapsed']);
    // Virtual time jumped three days; the milliseconds the run took for real are on top.
    expect(run.state('Remind').enteredAt).toMatch(/^2030-01-04T09:00:/);
    expect(run.calls.find((c) => c.resource === 'send-email')?.input).toEqual({ to: 'ada@example.com', template: 'card-declined' });
  });

  it('refuses an input the parameters schema refuses, with its code', async () => {
    await expect(runWorkflow(workflow, { input: { customer: 'ada@example.com', amount: 0 } })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });
});
