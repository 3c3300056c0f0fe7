/** Cursor paging: the API gives the next page's cursor; the pages seen are kept to go back. */
import { useState } from 'react';

export interface Paging {
  cursor: string | undefined;
  page: number;
  next(cursor: string): void;
  previous(): void;
  reset(): void;
}

export function usePaging(): Paging {
  const [stack, setStack] = useState<Array<string | undefined>>([undefined]);
  return {
    cursor: stack[stack.length - 1],
    page: stack.length,
    next: (cursor) => setStack([...stack, cursor]),
    previous: () => setStack(stack.length > 1 ? stack.slice(0, -1) : stack),
    reset: () => setStack([undefined]),
  };
}

export function Pager({ paging, nextCursor, count }: { paging: Paging; nextCursor: string | null | undefined; count: number }) {
  if (paging.page === 1 && !nextCursor) return null;
  return (
    <div className="pager">
      <button type="button" className="button button-small" disabled={paging.page === 1} onClick={paging.previous}>← Previous</button>
      <span>Page {paging.page} · {count} shown</span>
      <button type="button" className="button button-small" disabled={!nextCursor} onClick={() => nextCursor && paging.next(nextCursor)}>Next →</button>
    </div>
  );
}
