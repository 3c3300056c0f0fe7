/** Tabs inside a card: one panel shown at a time. */
import { useState, type ReactNode } from 'react';

export function Tabs({ tabs, initial }: { tabs: Array<{ id: string; label: ReactNode; render: () => ReactNode }>; initial?: string }) {
  const [active, setActive] = useState(initial ?? tabs[0]?.id);
  const current = tabs.find((t) => t.id === active) ?? tabs[0];
  return (
    <div className="tabs">
      <div className="tab-list" role="tablist">
        {tabs.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={t.id === current?.id} className={t.id === current?.id ? 'tab active' : 'tab'} onClick={() => setActive(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel">{current?.render()}</div>
    </div>
  );
}
