/** The signed-in API for every page, and two hooks: load data (and reload it), and run an action. */
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Endpoints } from './api/endpoints.ts';
import type { Identity } from './api/types.ts';

interface ApiValue {
  api: Endpoints;
  identity: Identity;
}

const ApiContext = createContext<ApiValue | null>(null);

export function ApiProvider({ value, children }: { value: ApiValue; children: ReactNode }) {
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi outside ApiProvider');
  return value;
}

export interface Resource<T> {
  data: T | undefined;
  error: Error | null;
  loading: boolean;
  /** When the shown data was last read from the API (ms since the epoch), or null before the first answer. */
  updatedAt: number | null;
  reload(): void;
}

/**
 * Loads `load()` now and whenever `key` changes; `refreshMs` reloads it on a timer while `live` holds
 * (an execution that still runs). A late answer to an older key is dropped.
 */
export function useResource<T>(load: () => Promise<T>, key: string, options: { refreshMs?: number; live?: (data: T) => boolean } = {}): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | null; loading: boolean; key: string; updatedAt: number | null }>({ data: undefined, error: null, loading: true, key, updatedAt: null });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true, ...(s.key === key ? {} : { data: undefined, error: null, key, updatedAt: null }) }));
    loadRef.current().then(
      (data) => current && setState({ data, error: null, loading: false, key, updatedAt: Date.now() }),
      (error: Error) => current && setState((s) => ({ ...s, error, loading: false, key })),
    );
    return () => {
      current = false;
    };
  }, [key, tick]);
  const { refreshMs, live } = options;
  const isLive = state.data !== undefined && refreshMs !== undefined && (live ? live(state.data) : true);
  useEffect(() => {
    if (!isLive) return;
    const timer = setTimeout(() => setTick((t) => t + 1), refreshMs);
    return () => clearTimeout(timer);
  }, [isLive, refreshMs, state.data]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const fresh = state.key === key;
  return { data: fresh ? state.data : undefined, error: state.error, loading: state.loading, updatedAt: fresh ? state.updatedAt : null, reload };
}

export interface Action {
  busy: boolean;
  error: string | null;
  done: string | null;
  /** Runs `work`; on success shows `message` (a string, or made from the result) and calls `then`. */
  run<T>(work: () => Promise<T>, message?: string | ((result: T) => string), then?: (result: T) => void): Promise<void>;
  clear(): void;
}

export function useAction(): Action {
  const [state, setState] = useState<{ busy: boolean; error: string | null; done: string | null }>({ busy: false, error: null, done: null });
  const run = useCallback(async <T,>(work: () => Promise<T>, message?: string | ((result: T) => string), then?: (result: T) => void) => {
    setState({ busy: true, error: null, done: null });
    try {
      const result = await work();
      const done = typeof message === 'function' ? message(result) : (message ?? null);
      setState({ busy: false, error: null, done });
      then?.(result);
    } catch (error) {
      setState({ busy: false, error: error instanceof Error ? error.message : String(error), done: null });
    }
  }, []);
  const clear = useCallback(() => setState({ busy: false, error: null, done: null }), []);
  return { ...state, run, clear };
}
