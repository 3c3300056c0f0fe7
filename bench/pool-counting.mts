/**
 * What counting a pool's units of work costs (src/store/pool-stats.ts, the /metrics pool gauges): the
 * same pool of postgres.js with and without the counting wrapper, running `select 1` from 8 concurrent
 * loops, alternated in one run. Reported: the process's CPU per statement and statements per second.
 *
 *   node --import tsx bench/pool-counting.mts [--rounds=3] [--statements=20000]
 */
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { countingUnits } from '../src/store/pool-stats.ts';
import type { Sql } from '../src/store/index.ts';
import { median, serverUrl } from './durable-support.mts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, statements: { type: 'string', default: '20000' } } });
const rounds = Number(values.rounds);
const statements = Number(values.statements);
const loops = 8;

async function measure(sql: Sql): Promise<{ cpuUs: number; perSecond: number }> {
  const cpu = process.cpuUsage();
  const began = performance.now();
  await Promise.all(Array.from({ length: loops }, async () => {
    for (let i = 0; i < statements / loops; i++) await sql`select 1`;
  }));
  const seconds = (performance.now() - began) / 1000;
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / statements, perSecond: statements / seconds };
}

const open = () => postgres(serverUrl, { max: 4, onnotice: () => {} }) as unknown as Sql;
const results: Record<'plain' | 'counted', Array<{ cpuUs: number; perSecond: number }>> = { plain: [], counted: [] };
for (let round = 0; round < rounds; round++) {
  for (const variant of round % 2 === 0 ? (['plain', 'counted'] as const) : (['counted', 'plain'] as const)) {
    const raw = open();
    const sql = variant === 'counted' ? countingUnits(raw, 4) : raw;
    await measure(sql);
    results[variant].push(await measure(sql));
    await raw.end();
  }
}
for (const variant of ['plain', 'counted'] as const) {
  const r = results[variant];
  console.log(`${variant}: ${median(r.map((x) => x.cpuUs)).toFixed(1)} µs CPU per statement, ${Math.round(median(r.map((x) => x.perSecond)))} statements/s (median of ${rounds})`);
}
