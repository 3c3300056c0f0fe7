/**
 * Traces as the runtime makes them, without naming OpenTelemetry: boot implements this with the SDK
 * when tracing is configured, and nothing is loaded otherwise. Parents are W3C `traceparent` strings,
 * because a durable execution's spans are made by different processes over time: the trace context is
 * stored on the execution's row, not held in memory.
 */
export type SpanAttributes = Record<string, string | number | boolean>;

export interface SpanFailure {
  error: string;
  cause?: string | null;
}

export interface OpenSpan {
  /** This span's own traceparent: what its children, and outgoing requests, carry. */
  readonly traceparent: string;
  end(failure?: SpanFailure): void;
}

export interface EngineTracer {
  /** Opens a span under `parent` (a traceparent; null or malformed: a new trace) at `startMs` (default now). */
  open(name: string, parent: string | null, attributes: SpanAttributes, startMs?: number): OpenSpan;
  /** Records a span that already happened, from `startMs` to `endMs`. */
  record(name: string, parent: string, attributes: SpanAttributes, startMs: number, endMs: number, failure?: SpanFailure): void;
}

const traceparentPattern = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Whether a caller's `traceparent` header is a valid W3C version-00 value (others are ignored, as the spec says). */
export function isTraceparent(value: unknown): value is string {
  return typeof value === 'string' && traceparentPattern.test(value);
}
