/**
 * The resources conformance fixtures may call (test/conformance/README.md lists them). The module exports
 * `resources` (name → handler), the shape `nightshift execute --handlers` loads.
 */
import { TaskFailure, type ResourceHandler, type ResourceRegistry } from '../../src/resources/index.ts';
import type { Json, JsonObject } from '../../src/shared/index.ts';

const field = (input: Json, name: string): Json | undefined =>
  input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as JsonObject)[name] : undefined;

const text = (value: Json | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

export const resources: Record<string, ResourceHandler> = {
  'test:echo': (input) => input,
  'test:fail': (input) => {
    throw new TaskFailure(text(field(input, 'error')) ?? 'Test.Failure', text(field(input, 'cause')));
  },
  'test:throw': (input) => {
    throw new Error(text(field(input, 'message')) ?? 'thrown by test:throw');
  },
  'test:flaky': (input, context) => {
    const failures = field(input, 'failures');
    if (typeof failures === 'number' && context.attempt < failures) {
      throw new TaskFailure(text(field(input, 'error')) ?? 'Test.Flaky', `attempt ${context.attempt} fails`);
    }
    const result = field(input, 'result');
    return result === undefined ? input : result;
  },
  'test:hang': (_input, context) =>
    new Promise<Json>((_resolve, reject) => {
      context.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    }),
  // Called off (stop, timeout), it ends at once, so a stopped test execution leaves no timer behind.
  'test:sleep': (input, context) => {
    const ms = field(input, 'ms');
    return new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => resolve(input), typeof ms === 'number' ? ms : 0);
      context.signal.addEventListener('abort', () => { clearTimeout(timer); reject(new Error('aborted')); }, { once: true });
    });
  },
  'test:context': (_input, context) => ({
    stateName: context.stateName,
    attempt: context.attempt,
    idempotencyKey: context.idempotencyKey,
    taskToken: context.taskToken,
  }),
  'test:bytes': (input) => {
    const size = field(input, 'size');
    return 'x'.repeat(typeof size === 'number' ? size : 0);
  },
};

export function registerTestResources(registry: ResourceRegistry): ResourceRegistry {
  for (const [name, handler] of Object.entries(resources)) registry.register(name, handler);
  return registry;
}
