/**
 * The dashboard without a browser: it takes nothing from the engine's code but types, and its pure
 * graph code lays an ASL definition out as nodes and edges and reads an execution's history as the
 * path it took. (test/e2e/dashboard.test.ts drives it in a real browser.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { HistoryEvent } from '../dashboard/src/api/types.ts';
import { layoutDefinition, type GraphNode } from '../dashboard/src/graph/layout.ts';
import { executionPath } from '../dashboard/src/graph/path.ts';
import { routePoints } from '../dashboard/src/graph/routes.ts';
import { shortId } from '../dashboard/src/format.ts';
import { resolveTheme } from '../dashboard/src/theme.ts';
import { v7 } from 'uuid';
import { parseFieldFilter, searchQuery } from '../dashboard/src/execution/search.ts';
import { formFields, inputOf, listInputs, valuesOf } from '../dashboard/src/execution/schema-form.ts';

const orders = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Next: 'EachItem' },
    EachItem: {
      Type: 'Map',
      ItemProcessor: {
        StartAt: 'Check',
        States: {
          Check: { Type: 'Choice', Choices: [{ Variable: '$.qty', NumericGreaterThan: 10, Next: 'Bulk' }], Default: 'Single' },
          Bulk: { Type: 'Pass', End: true },
          Single: { Type: 'Pass', End: true },
        },
      },
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Oops' }],
      Next: 'Both',
    },
    Both: {
      Type: 'Parallel',
      Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Oops' }],
      Next: 'Done',
    },
    Oops: { Type: 'Fail', Error: 'Order.Failed' },
    Done: { Type: 'Succeed' },
  },
};

const dashboard = resolve(import.meta.dirname, '..', 'dashboard', 'src');
const src = resolve(import.meta.dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
}

describe('the dashboard code', () => {
  it('imports nothing from the engine but types: it talks to the engine over HTTP only', () => {
    const offending: string[] = [];
    for (const file of files(dashboard).filter((f) => /\.tsx?$/.test(f))) {
      const statements = readFileSync(file, 'utf8').match(/^(?:import|export)\b[^;]*?from\s+'[^']+'/gms) ?? [];
      for (const statement of statements) {
        const target = resolve(dirname(file), /'([^']+)'$/.exec(statement)![1]);
        const intoSrc = !relative(src, target).startsWith('..');
        if (intoSrc && !/^(import|export) type\b/.test(statement)) offending.push(`${relative(dashboard, file)}: ${statement.split('\n')[0]}`);
      }
    }
    assert.deepEqual(offending, []);
  });
});

const byId = (nodes: GraphNode[]) => new Map(nodes.map((n) => [n.id, n]));

describe('the graph of a definition', () => {
  const graph = layoutDefinition(orders);
  const nodes = byId(graph.nodes);

  it('has a node per state, nested machines inside their Map or Parallel, and Start and End around the top level', () => {
    assert.deepEqual([...nodes.keys()].filter((id) => id.startsWith('state:')).sort(), ['A', 'B', 'Both', 'Bulk', 'Check', 'Done', 'EachItem', 'Oops', 'Prepare', 'Single'].map((n) => `state:${n}`));
    assert.equal(nodes.get('state:Check')?.parentId, 'state:EachItem');
    assert.equal(nodes.get('state:A')?.parentId, 'branch:Both:0');
    assert.equal(nodes.get('branch:Both:1')?.parentId, 'state:Both');
    assert.deepEqual([nodes.get('start')?.kind, nodes.get('end')?.kind, nodes.get('state:EachItem')?.kind], ['start', 'end', 'group']);
    // React Flow wants a parent before its children.
    const index = new Map(graph.nodes.map((n, i) => [n.id, i]));
    for (const n of graph.nodes) if (n.parentId) assert.ok(index.get(n.parentId)! < index.get(n.id)!, n.id);
  });

  it('has an edge for each Next, Default, Choice rule and Catch, labelled, and from Succeed and Fail states to End', () => {
    const edges = graph.edges.map((e) => `${e.source}->${e.target}:${e.kind}:${e.label ?? ''}`).sort();
    assert.deepEqual(edges, [
      'start->state:Prepare:next:',
      'state:Both->state:Done:next:',
      'state:Both->state:Oops:catch:catch States.ALL',
      'state:Check->state:Bulk:choice:$.qty > 10',
      'state:Check->state:Single:default:Default',
      'state:Done->end:next:',
      'state:EachItem->state:Both:next:',
      'state:EachItem->state:Oops:catch:catch States.ALL',
      'state:Oops->end:next:',
      'state:Prepare->state:EachItem:next:',
    ]);
  });

  it('lays the states out in rows by distance from the start, the nested ones inside their group', () => {
    const y = (id: string) => nodes.get(id)!.y;
    assert.ok(y('start') < y('state:Prepare') && y('state:Prepare') < y('state:EachItem') && y('state:EachItem') < y('state:Both') && y('state:Both') < y('state:Done') && y('state:Done') < y('end'));
    const map = nodes.get('state:EachItem')!;
    for (const inner of ['state:Check', 'state:Bulk', 'state:Single']) {
      const n = nodes.get(inner)!;
      assert.ok(n.x >= 0 && n.y >= 0 && n.x + n.width <= map.width && n.y + n.height <= map.height, `${inner} fits in the Map`);
    }
  });

  it('sends an edge that skips rows down a lane beside them, clear of the states between', () => {
    const skip = graph.edges.find((e) => e.source === 'state:EachItem' && e.target === 'state:Oops')!;
    const each = nodes.get('state:EachItem')!;
    const both = nodes.get('state:Both')!;
    assert.notEqual(skip.route.lane, null);
    const laneX = each.x + each.width / 2 + skip.route.lane!;
    assert.ok(laneX < both.x || laneX > both.x + both.width, 'the lane passes beside Both');
    const next = graph.edges.find((e) => e.source === 'state:Prepare')!;
    assert.deepEqual(routePoints({ x: 10, y: 0 }, { x: 10, y: 80 }, next.route), [{ x: 10, y: 0 }, { x: 10, y: 80 }]);
  });

  it('draws nothing for a document that is not a state machine', () => {
    assert.deepEqual(layoutDefinition({ nope: true }).nodes, []);
  });
});

let clock = 0;
const event = (type: string, stateName: string | null, details: Record<string, unknown> = {}, branchId?: string): HistoryEvent => ({
  executionId: 'e', seq: clock, type, stateName, details: details as HistoryEvent['details'], timestamp: new Date(1_700_000_000_000 + clock++).toISOString(), ...(branchId ? { branchId } : {}),
});

describe('the path of an execution', () => {
  it('follows each thread: visits with their input and output, the transitions taken, Map iterations as visits of the inner states', () => {
    const history = [
      event('ExecutionStarted', null, { input: { items: [1, 20] } }),
      event('PassStateEntered', 'Prepare', { input: { items: [1, 20] } }),
      event('PassStateExited', 'Prepare', { output: { items: [1, 20] } }),
      event('MapStateEntered', 'EachItem', { input: { items: [1, 20] } }),
      event('ExecutionStarted', null, { input: { qty: 20 } }, 'b1'),
      event('ChoiceStateEntered', 'Check', { input: { qty: 20 } }, 'b1'),
      event('ExecutionStarted', null, { input: { qty: 1 } }, 'b2'),
      event('ChoiceStateEntered', 'Check', { input: { qty: 1 } }, 'b2'),
      event('ChoiceStateExited', 'Check', { output: { qty: 20 } }, 'b1'),
      event('PassStateEntered', 'Bulk', { input: { qty: 20 } }, 'b1'),
      event('PassStateExited', 'Bulk', { output: 'bulk' }, 'b1'),
      event('ChoiceStateExited', 'Check', { output: { qty: 1 } }, 'b2'),
      event('PassStateEntered', 'Single', { input: { qty: 1 } }, 'b2'),
      event('PassStateExited', 'Single', { output: 'single' }, 'b2'),
      event('MapStateExited', 'EachItem', { output: ['bulk', 'single'] }),
      event('SucceedStateEntered', 'Done', { input: ['bulk', 'single'] }),
      event('SucceedStateExited', 'Done', { output: ['bulk', 'single'] }),
      event('ExecutionSucceeded', null, { output: ['bulk', 'single'] }),
    ];
    const path = executionPath(history, false);
    assert.deepEqual([...path.takenEdges].sort(), [
      'start->state:Prepare', 'state:Check->state:Bulk', 'state:Check->state:Single', 'state:Done->end', 'state:EachItem->state:Done', 'state:Prepare->state:EachItem',
    ]);
    const checks = path.byNode.get('state:Check')!;
    assert.deepEqual(checks.map((v) => [v.thread, v.input, v.output]), [[1, { qty: 20 }, { qty: 20 }], [2, { qty: 1 }, { qty: 1 }]]);
    assert.deepEqual(path.byNode.get('state:Bulk')![0].output, 'bulk');
    assert.ok([...path.nodeStatus.values()].every((s) => s === 'succeeded'));
  });

  it('marks where the execution failed, where a Catch took over after a failed task, and where it waits', () => {
    const history = [
      event('ExecutionStarted', null, {}),
      event('TaskStateEntered', 'Call', { input: {} }),
      event('TaskScheduled', 'Call', { parameters: { url: 'x' } }),
      event('TaskFailed', 'Call', { error: 'States.Http.Socket', cause: 'refused' }),
      event('TaskStateExited', 'Call', { output: { Error: 'States.Http.Socket' } }),
      event('PassStateEntered', 'Handle', { input: {} }),
      event('PassStateExited', 'Handle', { output: {} }),
      event('FailStateEntered', 'Oops', { input: {} }),
      event('ExecutionFailed', 'Oops', { error: 'Order.Failed', cause: 'no luck' }),
    ];
    const failed = executionPath(history, false);
    assert.ok(failed.takenEdges.has('state:Oops->end'), 'a Fail state leads to End');
    assert.deepEqual(Object.fromEntries(failed.nodeStatus), { 'state:Call': 'caught', 'state:Handle': 'succeeded', 'state:Oops': 'failed' });
    assert.deepEqual(failed.byNode.get('state:Call')![0].parameters, { url: 'x' });
    assert.deepEqual(failed.byNode.get('state:Oops')![0].failures, [{ error: 'Order.Failed', cause: 'no luck' }]);
    const stopped = executionPath([event('ExecutionStarted', null, {}), event('TaskStateEntered', 'Charge', { input: {} }), event('ExecutionFailed', 'Charge', { error: 'States.TaskFailed' })], false);
    assert.equal(stopped.takenEdges.has('state:Charge->end'), false, 'a failed task stops short of End');
    const waiting = executionPath([event('ExecutionStarted', null, {}), event('WaitStateEntered', 'Nap', { input: {} })], true);
    assert.equal(waiting.nodeStatus.get('state:Nap'), 'active');
  });
});

describe('ids as the dashboard shows them', () => {
  it('tells apart six UUIDv7 ids made within the same millisecond', () => {
    const now = Date.now();
    const ids = Array.from({ length: 6 }, () => v7({ msecs: now }));
    assert.equal(new Set(ids.map((id) => id.slice(0, 13))).size, 1, 'the same timestamp');
    const shown = ids.map(shortId);
    assert.equal(new Set(shown).size, 6, shown.join(' '));
    for (const [i, id] of ids.entries()) assert.ok(id.endsWith(shown[i].replace('…', '')), 'the tail of the id');
  });

  it('shows ids that are not UUIDs whole', () => {
    assert.equal(shortId('weekly-digest'), 'weekly-digest');
    assert.equal(shortId('a-long-batch-identifier-of-forty-characters'), 'a-long-batch-identifier-of-forty-characters');
  });
});

describe('the theme', () => {
  it('follows the system unless the toggle stored a choice', () => {
    assert.equal(resolveTheme(null, true), 'dark');
    assert.equal(resolveTheme(null, false), 'light');
    assert.equal(resolveTheme('light', true), 'light');
    assert.equal(resolveTheme('dark', false), 'dark');
    assert.equal(resolveTheme('purple', true), 'dark', 'anything else stored is ignored');
  });
});

describe('the executions search', () => {
  it('reads a field filter as the query parameter of the input or the output', () => {
    assert.deepEqual(parseFieldFilter('user.email = "a@b.com"'), { param: 'input.user.email', value: '"a@b.com"' });
    assert.deepEqual(parseFieldFilter('output.total=42'), { param: 'output.total', value: '42' });
    assert.deepEqual(parseFieldFilter('input.plan = pro'), { param: 'input.plan', value: 'pro' });
  });

  it('says what is wrong with a field filter it cannot read', () => {
    assert.throws(() => parseFieldFilter('user.email'), /field = value/);
    assert.throws(() => parseFieldFilter('user email = 1'), /not a field path/);
    assert.throws(() => parseFieldFilter('user.email ='), /value is missing/);
  });

  it('turns the search kept in the address into the API query', () => {
    const empty = { workflow: '', status: '', after: '', before: '', field: '', name: '', key: '' };
    assert.deepEqual(searchQuery({ ...empty, workflow: 'orders', after: '2030-01-01T00:00:00.000Z', field: 'user.email = "a@b.com"', key: 'k-1' }),
      { workflow: 'orders', startedAfter: '2030-01-01T00:00:00.000Z', 'input.user.email': '"a@b.com"', idempotencyKey: 'k-1' });
  });
});

describe('the start form from the parameters', () => {
  const parameters = {
    type: 'object', required: ['email', 'plan'],
    properties: { email: { type: 'string', format: 'email' }, plan: { enum: ['free', 'pro'] }, seats: { type: 'integer' }, newsletter: { type: 'boolean' }, extra: { type: 'object' } },
  };
  const fields = formFields(parameters)!;

  it('has a field per property, typed by type, enum and format, required as the schema says', () => {
    assert.deepEqual(fields.map((f) => [f.name, f.kind, f.required, f.inputType]), [
      ['email', 'text', true, 'email'], ['plan', 'enum', true, 'text'], ['seats', 'integer', false, 'text'], ['newsletter', 'boolean', false, 'text'], ['extra', 'json', false, 'text'],
    ]);
    assert.deepEqual(fields[1].options, ['free', 'pro']);
    assert.equal(formFields({ type: 'string' }), null, 'no properties: JSON only');
  });

  it('makes the input from the filled fields, and refuses a missing required one or a bad number', () => {
    assert.deepEqual(inputOf(fields, { email: 'a@b.com', plan: 'pro', seats: '3', newsletter: 'true', extra: '{"a":1}' }), { email: 'a@b.com', plan: 'pro', seats: 3, newsletter: true, extra: { a: 1 } });
    assert.throws(() => inputOf(fields, { plan: 'pro' }), /email is required/);
    assert.throws(() => inputOf(fields, { email: 'a@b.com', plan: 'pro', seats: '2.5' }), /seats: "2.5" is not a whole number/);
    assert.deepEqual(valuesOf(fields, { email: 'a@b.com', seats: 3 }), { email: 'a@b.com', seats: '3' });
  });

  it('reads a pasted list as a JSON array or as CSV typed by the fields', () => {
    assert.deepEqual(listInputs('[{"a":1},{"a":2}]', null), [{ a: 1 }, { a: 2 }]);
    assert.deepEqual(listInputs('email,plan,seats\na@b.com,pro,2\n"c,d@e.com",free,', fields), [{ email: 'a@b.com', plan: 'pro', seats: 2 }, { email: 'c,d@e.com', plan: 'free' }]);
    assert.throws(() => listInputs('email,plan\na@b.com', fields), /CSV row 2 has 1 cells/);
  });
});
