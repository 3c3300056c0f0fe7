/**
 * An id as every page shows it: its random tail in monospace (the whole id on hover and for screen
 * readers), and a button that copies the whole id. `to` makes the tail a link.
 */
import { useState } from 'react';
import { shortId } from '../format.ts';
import { Icon } from './icon.tsx';
import { Link } from '../router.tsx';

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function Id({ id, to, className = '' }: { id: string; to?: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  const text = <span className={`id mono ${className}`} title={id} data-id={id}>{shortId(id)}</span>;
  const onCopy = (event: React.MouseEvent) => {
    event.stopPropagation();
    void copy(id).then((ok) => {
      setCopied(ok);
      if (ok) setTimeout(() => setCopied(false), 1500);
    });
  };
  return (
    <span className="id-cell">
      {to ? <Link to={to} aria-label={id}>{text}</Link> : text}
      <button type="button" className="copy-button" onClick={onCopy} aria-label={`Copy ${id}`} title="Copy the whole id">
        {copied ? <span aria-hidden>✓</span> : <Icon name="copy" size={14} />}
      </button>
    </span>
  );
}
