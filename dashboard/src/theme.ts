/**
 * Light or dark: the system's `prefers-color-scheme` unless the toggle chose one, which is kept in
 * localStorage (one choice per browser). The choice is set as `data-theme` on <html>, which the
 * stylesheet and the graph read.
 */
import { useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';

const storageKey = 'nightshift.theme';
const listeners = new Set<() => void>();

/** The theme shown: the stored choice when it is one, else the system's. */
export function resolveTheme(stored: string | null, systemDark: boolean): Theme {
  if (stored === 'light' || stored === 'dark') return stored;
  return systemDark ? 'dark' : 'light';
}

function systemQuery(): MediaQueryList {
  return window.matchMedia('(prefers-color-scheme: dark)');
}

function storedChoice(): string | null {
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

export function currentTheme(): Theme {
  return resolveTheme(storedChoice(), systemQuery().matches);
}

function apply(): void {
  document.documentElement.dataset.theme = currentTheme();
  for (const listener of listeners) listener();
}

/** Sets the theme on the page now and follows system changes (while no choice is stored). */
export function startTheme(): void {
  apply();
  systemQuery().addEventListener('change', apply);
}

/** Stores the opposite of what is shown. */
export function toggleTheme(): void {
  try {
    localStorage.setItem(storageKey, currentTheme() === 'dark' ? 'light' : 'dark');
  } catch {
    // Storage refused (private mode): the toggle still works for this page.
    document.documentElement.dataset.theme = currentTheme() === 'dark' ? 'light' : 'dark';
  }
  apply();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, () => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light'));
}
