/** An item of the daily-use tests: one body, run at each project (size and theme) by dashboard-daily.test.ts. */
import type { BrowserContext, Page } from 'playwright-core';
import type { DashboardDev } from '../../support/dashboard-dev.ts';
import { openPage, type Project } from '../../support/dashboard-projects.ts';

/** What the file made before the items run. */
export interface Seed {
  /** Six welcome executions started together: their ids share the first 8 characters (a UUIDv7 timestamp). */
  six: string[];
  /** Through a Map (two branch threads) and a Choice, succeeded. */
  orders: string;
  /** Sleeping a day in a Wait. */
  reminder: string;
  /** Two orders runs due in two hours. */
  batch: string;
  /** A signup named `found-by-name`, idempotency key `found-by-key`, input and output `{seats: 7, …}`. */
  found: string;
}

export interface ItemRun {
  project: Project;
  dev: DashboardDev;
  /** The project's browser context, signed in. */
  context: BrowserContext;
  seed: Seed;
}

export interface Item {
  name: string;
  run(t: ItemRun): Promise<void>;
}

/** A page of the run's context at `path`, once `ready` is there; closed by `use`'s end. */
export async function withPage(t: ItemRun, path: string, ready: string | undefined, use: (page: Page) => Promise<void>): Promise<void> {
  const page = await openPage(t.context, t.dev, path, ready);
  try {
    await use(page);
  } finally {
    await page.close();
  }
}
