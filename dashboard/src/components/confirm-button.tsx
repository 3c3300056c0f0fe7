/** A button for what cannot be undone: the first click asks, the second (within a few seconds) does it. */
import { useEffect, useState } from 'react';

interface Props {
  label: string;
  confirmLabel?: string;
  onConfirm(): void;
  disabled?: boolean;
  tone?: 'danger' | 'default';
  small?: boolean;
  title?: string;
}

export function ConfirmButton({ label, confirmLabel, onConfirm, disabled, tone = 'danger', small, title }: Props) {
  const [asking, setAsking] = useState(false);
  useEffect(() => {
    if (!asking) return;
    const timer = setTimeout(() => setAsking(false), 4000);
    return () => clearTimeout(timer);
  }, [asking]);
  const classes = ['button', tone === 'danger' ? 'button-danger' : '', small ? 'button-small' : '', asking ? 'asking' : ''].join(' ');
  return (
    <button
      type="button"
      className={classes}
      disabled={disabled}
      title={title}
      onClick={() => {
        if (!asking) return setAsking(true);
        setAsking(false);
        onConfirm();
      }}
    >
      {asking ? (confirmLabel ?? `Confirm: ${label.toLowerCase()}`) : label}
    </button>
  );
}
