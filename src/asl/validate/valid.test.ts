import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateStateMachine } from './index.ts';

const jsonPathDefinition = {
  Comment: 'Order fulfilment written with JSONPath',
  Version: '1.0',
  TimeoutSeconds: 3600,
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Pass',
      Parameters: {
        'orderId.$': '$.order.id',
        'summary.$': "States.Format('Order {} for {}', $.order.id, $.customer.name)",
        'startedAt.$': '$$.Execution.StartTime',
        'lines.$': '$.order.lines',
        constant: 'kept as is',
      },
      ResultPath: '$.prepared',
      Assign: { 'customer.$': '$.customer', attempts: 0 },
      Next: 'Route',
    },
    Route: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.order.total', NumericGreaterThanEquals: 100 },
            { Or: [{ Variable: '$.customer.tier', StringEquals: 'gold' }, { Variable: '$.customer.tier', StringMatches: 'plat*' }] },
            { Not: { Variable: '$.order.flagged', BooleanEquals: true } },
          ],
          Next: 'Fulfil',
          Assign: { 'priority.$': '$.customer.tier' },
        },
        { Variable: '$.order.notBefore', TimestampGreaterThanPath: '$$.Execution.StartTime', Next: 'Hold' },
        { Variable: '$.order.lines', IsPresent: false, Next: 'Reject' },
      ],
      Default: 'Fulfil',
    },
    Hold: { Type: 'Wait', TimestampPath: '$.order.notBefore', Next: 'Fulfil' },
    Fulfil: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'PackLines',
          States: {
            PackLines: {
              Type: 'Map',
              ItemsPath: '$.order.lines',
              ItemSelector: { 'line.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
              MaxConcurrency: 4,
              ToleratedFailurePercentage: 10,
              ItemProcessor: {
                ProcessorConfig: { Mode: 'INLINE' },
                StartAt: 'Pack',
                States: {
                  Pack: {
                    Type: 'Task',
                    Resource: 'http:invoke',
                    Parameters: { url: 'https://warehouse.example/pack', method: 'POST', 'body.$': '$.line' },
                    ResultSelector: { 'status.$': '$.status' },
                    TimeoutSeconds: 30,
                    HeartbeatSeconds: 10,
                    Retry: [
                      { ErrorEquals: ['States.Timeout'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL' },
                      { ErrorEquals: ['States.ALL'], MaxAttempts: 1 },
                    ],
                    End: true,
                  },
                },
              },
              ResultPath: '$.packed',
              End: true,
            },
          },
        },
        {
          StartAt: 'Notify',
          States: {
            Notify: {
              Type: 'Task',
              Resource: 'email:send.waitForTaskToken',
              Parameters: { 'to.$': '$customer.email', subject: 'Your order', 'token.$': '$$.Task.Token' },
              End: true,
            },
          },
        },
      ],
      ResultSelector: { 'packed.$': '$[0].packed', 'notified.$': '$[1]' },
      ResultPath: '$.fulfilment',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Reject' }],
      Next: 'Done',
    },
    Reject: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: "States.Format('Rejected: {}', $.error.Cause)" },
    Done: { Type: 'Succeed', OutputPath: '$.fulfilment' },
  },
};

const jsonataDefinition = {
  QueryLanguage: 'JSONata',
  StartAt: 'Load',
  States: {
    Load: {
      Type: 'Task',
      Resource: 'sql:query',
      Arguments: { sql: 'select * from users where id = $1', params: ['{% $states.input.userId %}'] },
      Output: '{% $states.result.rows[0] %}',
      Assign: { user: '{% $states.result.rows[0] %}', count: '{% $count($states.result.rows) %}' },
      TimeoutSeconds: '{% $states.input.timeout ? $states.input.timeout : 30 %}',
      Retry: [{ ErrorEquals: ['Sql.40001'], MaxAttempts: 3 }],
      Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Assign: { failed: true }, Next: 'Failed' }],
      Next: 'Decide',
    },
    Decide: {
      Type: 'Choice',
      Choices: [
        { Condition: '{% $user.active and $count > 0 %}', Next: 'Each', Assign: { decided: '{% $now() %}' } },
        { Condition: false, Next: 'Failed', Output: { reason: 'never' } },
      ],
      Default: 'Later',
      Output: '{% $states.input %}',
    },
    Later: { Type: 'Wait', Seconds: '{% $user.delay %}', Next: 'Each' },
    Each: {
      Type: 'Map',
      Items: '{% $user.orders %}',
      ItemSelector: { order: '{% $states.context.Map.Item.Value %}' },
      MaxConcurrency: '{% 2 %}',
      ItemBatcher: { MaxItemsPerBatch: '{% 10 %}', BatchInput: { userId: '{% $user.id %}' } },
      ItemProcessor: {
        StartAt: 'Handle',
        States: {
          Handle: {
            Type: 'Parallel',
            Arguments: '{% $states.input %}',
            Branches: [
              { StartAt: 'Echo', States: { Echo: { Type: 'Pass', Output: { value: '{% $states.input.order %}' }, End: true } } },
              { StartAt: 'Ok', States: { Ok: { Type: 'Succeed', Output: '{% true %}' } } },
            ],
            End: true,
          },
        },
      },
      Output: { results: '{% $states.result %}' },
      Next: 'Finish',
    },
    Finish: { Type: 'Succeed' },
    Failed: { Type: 'Fail', Error: '{% "User." & $states.input.Error %}', Cause: 'Could not load the user' },
  },
};

describe('valid definitions', () => {
  it('report no problem for a complex JSONPath definition', () => {
    assert.deepEqual(validateStateMachine(jsonPathDefinition, { isKnownResource: (name) => ['http:invoke', 'email:send'].includes(name) }), []);
  });

  it('report no problem for a complex JSONata definition', () => {
    assert.deepEqual(validateStateMachine(jsonataDefinition, { isKnownResource: (name) => name === 'sql:query' }), []);
  });

  it('report no problem for JSONata states mixed into a JSONPath definition', () => {
    const mixed = {
      StartAt: 'Old',
      States: {
        Old: { Type: 'Pass', Parameters: { 'a.$': '$.a' }, Next: 'New' },
        New: { Type: 'Pass', QueryLanguage: 'JSONata', Output: { a: '{% $states.input.a %}' }, End: true },
      },
    };
    assert.deepEqual(validateStateMachine(mixed), []);
  });
});
