/** A scheduled list (batch) with its live counters, and the button that cancels what is left of it. */
import { ConfirmButton } from '../components/confirm-button.tsx';
import { Id } from '../components/id.tsx';
import { Updated } from '../components/updated.tsx';

import { ErrorNotice } from '../components/notice.tsx';
import { Card, Facts } from '../components/page.tsx';
import { useApi, useResource } from '../data.tsx';
import { absoluteTime } from '../format.ts';

export function BatchCard({ id, onCancel, busy }: { id: string; onCancel(): void; busy: boolean }) {
  const { api } = useApi();
  const batch = useResource(() => api.batch(id), `batch:${id}`, { refreshMs: 3000, live: (b) => !b.done });
  const b = batch.data;
  return (
    <Card title={<>Batch <Id id={id} /></>}
      actions={b && <><Updated at={batch.updatedAt} live={!b.done} />{b.scheduled > 0 && <ConfirmButton label={`Cancel the ${b.scheduled} waiting runs`} confirmLabel="Confirm: cancel the batch" onConfirm={onCancel} disabled={busy} />}</>}>
      <ErrorNotice error={batch.error} />
      {b && (
        <Facts items={[
          ['Workflow', b.workflow],
          ['Items', String(b.total)],
          ['Waiting', String(b.scheduled)],
          ['Running', String(b.running)],
          ['Succeeded', String(b.succeeded)],
          ['Failed', String(b.failed)],
          ['Cancelled', String(b.cancelled)],
          ['First due', absoluteTime(b.startAt)],
        ]} />
      )}
    </Card>
  );
}
