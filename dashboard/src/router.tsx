/**
 * A small router over the History API: paths under /dashboard/ (the server answers every one of them
 * with the app), query strings for filters so a view can be linked and reloaded.
 */
import { createContext, useContext, useEffect, useState, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

export const base = '/dashboard';

export interface Location {
  /** The path inside the dashboard: `/executions/abc`. */
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  const path = window.location.pathname.startsWith(base) ? window.location.pathname.slice(base.length) : window.location.pathname;
  return { path: path === '' ? '/' : path, query: new URLSearchParams(window.location.search) };
}

interface RouterValue {
  location: Location;
  navigate(to: string, options?: { replace?: boolean }): void;
}

const RouterContext = createContext<RouterValue | null>(null);

export function Router({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const onPop = () => setLocation(current());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to: string, options: { replace?: boolean } = {}) => {
    const url = `${base}${to}`;
    if (options.replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    setLocation(current());
    if (!options.replace) window.scrollTo(0, 0);
  };
  return <RouterContext.Provider value={{ location, navigate }}>{children}</RouterContext.Provider>;
}

export function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (!value) throw new Error('useRouter outside Router');
  return value;
}

/** The parameters of a pattern such as `/executions/:id`, or null when the path does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

/** `/executions` plus the given query values, empty ones left out. */
export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * A list's filters, kept in the address so a filtered view can be linked and reloaded: their values,
 * and a setter that replaces some of them (and calls `onChange`, which resets paging).
 */
export function useQueryFilters<K extends string>(path: string, names: readonly K[], onChange: () => void): [Record<K, string>, (changes: Partial<Record<K, string>>) => void] {
  const { location, navigate } = useRouter();
  const values = Object.fromEntries(names.map((name) => [name, location.query.get(name) ?? ''])) as Record<K, string>;
  const set = (changes: Partial<Record<K, string>>) => {
    onChange();
    navigate(href(path, { ...values, ...changes }), { replace: true });
  };
  return [values, set];
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

/** An anchor that navigates inside the app; a modified click (new tab) is left to the browser. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const { navigate } = useRouter();
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={`${base}${to}`} onClick={handle} {...rest} />;
}
