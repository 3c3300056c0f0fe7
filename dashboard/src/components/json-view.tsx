/** JSON shown as readable, copyable text; long documents start folded. */
import { useState } from 'react';
import { prettyJson } from '../format.ts';

export function JsonView({ value, label, maxLines = 24 }: { value: unknown; label?: string; maxLines?: number }) {
  const text = value === undefined ? '—' : prettyJson(value);
  const lines = text.split('\n').length;
  const [open, setOpen] = useState(lines <= maxLines);
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(text).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1200);
    });
  };
  return (
    <div className="json" data-label={label}>
      <div className="json-bar">
        {label && <span className="json-label">{label}</span>}
        <span className="spacer" />
        {lines > maxLines && <button type="button" className="link-button" onClick={() => setOpen(!open)}>{open ? 'Fold' : `Show all ${lines} lines`}</button>}
        <button type="button" className="link-button" onClick={copy}>{copied ? 'Copied' : 'Copy'}</button>
      </div>
      <pre className={open ? '' : 'folded'}>{text}</pre>
    </div>
  );
}
