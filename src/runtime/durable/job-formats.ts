/**
 * The payload of an `invoke` job, a versioned stored format (shared/stored-format.ts): what the worker
 * needs to call the resource. Version 1 is the shape below; the check at the end fails to compile when
 * `InvokePayload` changes without a new version.
 */
import { z } from 'zod';
import { jsonValue, storedFormat, type AuthoredText, type Json } from '../../shared/index.ts';

export interface InvokePayload {
  invocationId: string;
  resource: string;
  input: Json;
  stateName: string;
  entry: number;
  attempt: number;
  taskToken: string | null;
  workflowName: string;
  identity: Json | null;
  /** The Task's authored references (shared/authored.ts); written only when there are some. */
  authored?: AuthoredText;
  /** Version 2: the execution's traceparent, when it is traced: the attempt's span hangs under it. */
  traceparent?: string;
}

const authoredText: z.ZodType<AuthoredText> = z.lazy(() => z.union([z.string(), z.null(), z.array(authoredText), z.record(z.string(), authoredText)]));

const invokeV1 = z.strictObject({
  invocationId: z.string(),
  resource: z.string(),
  input: jsonValue,
  stateName: z.string(),
  entry: z.number(),
  attempt: z.number(),
  taskToken: z.string().nullable(),
  workflowName: z.string(),
  identity: jsonValue.nullable(),
  authored: authoredText.optional(),
});

/** Version 2 adds the execution's traceparent (docs/observability.md, traces); a version 1 payload is one without it. */
const invokeV2 = invokeV1.extend({ traceparent: z.string().optional() });

export const invokeJobFormat = storedFormat<InvokePayload>('invoke job payload', [
  { schema: invokeV1, upgrade: (value: z.infer<typeof invokeV1>) => value },
  { schema: invokeV2 },
]);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const currentShape: Same<z.infer<typeof invokeV2>, InvokePayload> = true;
void currentShape;
