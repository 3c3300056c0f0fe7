/**
 * The integration sections of nightshift.yaml: `smtp:` (the server email:send uses), `resources:` (named
 * presets of http, email or sql) and `secrets:` (a file of secret values). Strings may hold references —
 * `${secrets.NAME}`, `${env.NAME}`, `${env.NAME:-fallback}`, `${context.idempotencyKey}` — which stay as
 * written here and are resolved by the resource at each call; so do port, secure and requireTLS when given as
 * strings (`port: ${env.SMTP_PORT:-587}`).
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';

const template = z
  .object({ subject: z.string().optional(), text: z.string().optional(), html: z.string().optional() })
  .strict()
  .refine((t) => t.subject !== undefined || t.text !== undefined || t.html !== undefined, 'a template needs a subject, text or html');

const templates = z.record(z.string(), template);
const addresses = z.union([z.string(), z.array(z.string())]);
/** A boolean, or a reference that resolves to `true` or `false`. */
const flag = z.union([z.boolean(), z.string().min(1)]);

export const smtpSchema = z
  .object({
    host: z.string().min(1),
    /** Default 465 when secure, else 587. */
    port: z.union([z.number().int().min(1).max(65535), z.string().min(1)]).optional(),
    /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
    secure: flag.optional(),
    /** Refuse to send when the server does not offer STARTTLS (set it in production when not `secure`). */
    requireTLS: flag.optional(),
    auth: z.object({ user: z.string().min(1), pass: z.string() }).strict().optional(),
    /** The sender when a Task gives none. */
    from: z.string().min(1).optional(),
    timeoutSeconds: z.number().positive().max(3600).optional(),
    templates: templates.optional(),
  })
  .strict();

/** `input:`: the built-in's fields made from the Task's parameters (`to: "{{email}}"`; src/resources/preset-input.ts). */
const presetInput = z.record(z.string(), z.json()).optional();

const httpPreset = z
  .object({
    type: z.literal('http'),
    url: z.string().min(1).optional(),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional(),
    headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    query: z.record(z.string(), z.json()).optional(),
    body: z.json().optional(),
    bodyEncoding: z.enum(['json', 'form']).optional(),
    timeoutSeconds: z.number().positive().optional(),
    input: presetInput,
  })
  .strict();

const emailPreset = z
  .object({
    type: z.literal('email'),
    from: z.string().min(1).optional(),
    replyTo: z.string().min(1).optional(),
    to: addresses.optional(),
    cc: addresses.optional(),
    bcc: addresses.optional(),
    subject: z.string().optional(),
    text: z.string().optional(),
    html: z.string().optional(),
    template: z.union([z.string(), template]).optional(),
    data: z.record(z.string(), z.json()).optional(),
    templates: templates.optional(),
    input: presetInput,
  })
  .strict();

const sqlPreset = z
  .object({
    type: z.literal('sql'),
    sql: z.string().min(1),
    params: z.array(z.json()).optional(),
    input: presetInput,
  })
  .strict();

export const resourcesSchema = z.record(z.string(), z.discriminatedUnion('type', [httpPreset, emailPreset, sqlPreset]));

export type EmailTemplateConfig = z.infer<typeof template>;
export type ResourcePresetConfig = z.infer<typeof resourcesSchema>[string];

/** `smtp:` with its defaults applied; port, secure and requireTLS may still be references. */
export interface SmtpConfig {
  host: string;
  port: number | string;
  secure: boolean | string;
  requireTLS: boolean | string;
  auth: { user: string; pass: string } | null;
  from: string | null;
  timeoutSeconds: number;
  templates: Record<string, EmailTemplateConfig>;
}

export function smtpConfigOf(smtp: z.infer<typeof smtpSchema> | undefined): SmtpConfig | null {
  if (!smtp) return null;
  const secure = smtp.secure ?? false;
  return {
    host: smtp.host,
    port: smtp.port ?? (secure === true ? 465 : 587),
    secure,
    requireTLS: smtp.requireTLS ?? false,
    auth: smtp.auth ?? null,
    from: smtp.from ?? null,
    timeoutSeconds: smtp.timeoutSeconds ?? 60,
    templates: smtp.templates ?? {},
  };
}

/** What the schema cannot say: email presets need `smtp:`, the secrets file must exist. Paths as JSON pointers. */
export function integrationProblems(
  file: { smtp?: unknown; resources?: Record<string, { type: string }> },
  secretsFile: string | null,
): string[] {
  const problems: string[] = [];
  for (const [name, preset] of Object.entries(file.resources ?? {})) {
    if (preset.type === 'email' && !file.smtp) problems.push(`/resources/${name}/type: an email resource needs an smtp: section`);
  }
  if (secretsFile !== null && !existsSync(secretsFile)) problems.push(`/secrets: the secrets file ${secretsFile} does not exist`);
  return problems;
}
