/**
 * Acting on many executions: stop the chosen ones that run, redrive the chosen ones that failed, timed
 * out or were stopped. One request each; the answer says how many did and why the others did not.
 */
import type { Execution } from '../api/types.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { DoneNotice, ErrorNotice } from '../components/notice.tsx';
import { useAction, useApi } from '../data.tsx';

const redrivable = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/** `3 stopped.` or `2 redriven; 1 could not be: …`. */
async function each(ids: string[], act: (id: string) => Promise<unknown>, verb: string): Promise<string> {
  const results = await Promise.allSettled(ids.map(act));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  const done = `${results.length - failed.length} ${verb}`;
  if (failed.length === 0) return `${done}.`;
  throw new Error(`${done}; ${failed.length} could not be: ${(failed[0].reason as Error).message}`);
}

export function BulkActions({ chosen, onDone }: { chosen: Execution[]; onDone(): void }) {
  const { api } = useApi();
  const action = useAction();
  const running = chosen.filter((e) => e.status === 'RUNNING' && !e.waitingReason).map((e) => e.executionId);
  const ended = chosen.filter((e) => redrivable.has(e.status)).map((e) => e.executionId);
  return (
    <>
      <ErrorNotice error={action.error} onClose={action.clear} />
      <DoneNotice message={action.done} onClose={action.clear} />
      {chosen.length > 0 && (
        <div className="bulk-bar" data-testid="bulk-actions" role="region" aria-label="Actions on the chosen executions">
          <strong>{chosen.length} chosen</strong>
          <ConfirmButton small label={`Stop ${running.length} running`} confirmLabel={`Confirm: stop ${running.length}`} disabled={action.busy || running.length === 0}
            onConfirm={() => action.run(() => each(running, api.stopExecution, 'stopped'), (m) => m, onDone)} />
          <button type="button" className="button button-small" disabled={action.busy || ended.length === 0}
            onClick={() => action.run(() => each(ended, api.redriveExecution, 'redriven'), (m) => m, onDone)}>Redrive {ended.length} on their version</button>
          <span className="hint">Redrive runs each again from the state where it ended, on the workflow version it started on, not the current one.</span>
        </div>
      )}
    </>
  );
}
