/**
 * The integrations nightshift.yaml declares, added to a registry that has the built-ins: the references a
 * Task's author wrote resolved for http:invoke (both spellings) and email:send (when `smtp:` is set), and every
 * named resource of `resources:`.
 * Called by both composition roots (engine.ts for durable processes, local.ts for `nightshift execute`).
 */
import { createSecretSource, type Config } from '../config/index.ts';
import {
  assertPresets,
  createEmailResource,
  referenceProblems,
  registerNamedResources,
  withAuthoredSecrets,
  type HttpResourceOptions,
  type ResourceHandler,
  type ResourcePreset,
  type ResourceRegistry,
  type SecretSource,
} from '../resources/index.ts';
import { EngineError } from '../shared/index.ts';
import { createSmtpTransport } from './smtp.ts';

const awsHttp = 'arn:aws:states:::http:invoke';

/**
 * Checks the integration settings and answers what adds them to a registry that has the built-ins; called
 * before anything is started, so that a bad preset stops a process before it holds a database.
 * `secrets` defaults to the environment (`NIGHTSHIFT_SECRET_<NAME>`) and the `secrets:` file.
 */
export function prepareIntegrations(config: Readonly<Config>, secrets?: SecretSource): (registry: ResourceRegistry) => ResourceRegistry {
  const source = secrets ?? createSecretSource({ file: config.secretsFile });
  const presets = config.resources as Readonly<Record<string, ResourcePreset>>;
  assertPresets(presets);
  const email = emailResource(config, source);
  return (registry) => {
    // The plain handlers serve the presets, which resolve their own references.
    const http = registry.get('http:invoke');
    const aws = registry.get(awsHttp);
    if (http) registry.register('http:invoke', withAuthoredSecrets(http, source));
    if (aws) registry.register(awsHttp, withAuthoredSecrets(aws, source));
    if (email) registry.register('email:send', withAuthoredSecrets(email, source));
    return registerNamedResources(registry, presets, {
      secrets: source,
      handlerOf: (type) => (type === 'http' ? http : type === 'email' ? email : registry.get('sql:query')),
      transactionalOf: (type) => (type === 'sql' ? registry.getTransactional('sql:query') : undefined),
    });
  };
}

/**
 * http:invoke's address policy from `http:` in nightshift.yaml; `localDevelopment` (dev, execute) is the
 * default of allowPrivateNetworks when the file does not set it.
 */
export function httpOptionsOf(config: Readonly<Config>, localDevelopment: boolean): HttpResourceOptions {
  const { allow, deny, allowPrivateNetworks } = config.http;
  return { allow, deny, allowPrivateNetworks: allowPrivateNetworks ?? localDevelopment };
}

function emailResource(config: Readonly<Config>, secrets: SecretSource): ResourceHandler | undefined {
  const smtp = config.smtp;
  if (!smtp) return undefined;
  const texts = [smtp.host, String(smtp.port), String(smtp.secure), String(smtp.requireTLS), smtp.auth?.user ?? '', smtp.auth?.pass ?? ''];
  const problems = texts.flatMap((text) => referenceProblems(text)).map((problem) => `/smtp: ${problem}`);
  if (smtp.from?.includes('${')) problems.push('/smtp/from: the default sender is written out, without references');
  if (problems.length > 0) throw new EngineError('CONFIG_INVALID', `The smtp settings have problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { details: { problems } });
  return createEmailResource({
    transport: createSmtpTransport(smtp),
    defaults: smtp.from ? { from: smtp.from } : {},
    templates: smtp.templates,
    timeoutSeconds: smtp.timeoutSeconds,
    secrets,
  });
}
