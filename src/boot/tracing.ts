/**
 * OpenTelemetry traces, off unless configured: with OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
 * OTEL_EXPORTER_OTLP_ENDPOINT set (or an exporter given in code), the SDK is imported here and spans
 * go out over OTLP/HTTP in batches; otherwise nothing of the SDK is loaded. Parents travel as W3C
 * traceparent strings (stored on execution rows), so spans made by different processes join one trace.
 */
import { ROOT_CONTEXT, SpanStatusCode, trace, TraceFlags, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config/index.ts';
import { isTraceparent, type EngineTracer, type SpanAttributes, type SpanFailure } from '../shared/index.ts';

export interface Tracing {
  tracer: EngineTracer;
  /** Sends what is buffered. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Null when tracing is not configured. */
export async function createTracing(config: Readonly<Config>, exporter?: SpanExporter): Promise<Tracing | null> {
  if (!exporter && config.tracing.endpoint === null) return null;
  const [{ BasicTracerProvider, BatchSpanProcessor }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
  ]);
  const out = exporter ?? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: config.tracing.endpoint as string });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.tracing.serviceName }),
    spanProcessors: [new BatchSpanProcessor(out, { scheduledDelayMillis: 1_000 })],
  });
  const tracer = engineTracer(provider.getTracer('nightshift'));
  return { tracer, flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}

function engineTracer(tracer: Tracer): EngineTracer {
  return {
    open(name, parent, attributes, startMs) {
      const span = tracer.startSpan(name, { attributes, ...(startMs === undefined ? {} : { startTime: startMs }) }, contextOf(parent));
      return { traceparent: traceparentOf(span), end: (failure) => finish(span, failure) };
    },
    record(name, parent, attributes: SpanAttributes, startMs, endMs, failure?: SpanFailure) {
      finish(tracer.startSpan(name, { attributes, startTime: startMs }, contextOf(parent)), failure, endMs);
    },
  };
}

function finish(span: Span, failure?: SpanFailure, endMs?: number): void {
  if (failure) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: failure.error });
    span.setAttribute('nightshift.error', failure.error);
    if (failure.cause) span.setAttribute('nightshift.cause', failure.cause.length > 500 ? `${failure.cause.slice(0, 500)}…` : failure.cause);
  }
  span.end(endMs);
}

/** The context a traceparent names (as a remote parent), or the root: a new trace. */
function contextOf(traceparent: string | null): Context {
  if (!isTraceparent(traceparent)) return ROOT_CONTEXT;
  const [, traceId, spanId, flags] = traceparent.split('-');
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true });
}

function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}
