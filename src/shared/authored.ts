/**
 * The strings a workflow's author wrote into a Task's Parameters (JSONPath) or Arguments (JSONata) that hold a
 * reference (`${secrets.NAME}`, `${env.NAME}`, `${context.FIELD}`), at the place they take in the Task's
 * effective parameters: a string is the literal text written there; an array or object follows the parameters'
 * shape (object keys as they are after `.$` keys are evaluated); null means nothing authored with a reference
 * is there. The core builds it from the definition (core/authored.ts), the invocation carries it, and a
 * resource resolves a reference only where the value equals the authored string at the same place
 * (resources/secrets.ts): text that arrives through data is never read for references.
 */
export type AuthoredText = string | null | AuthoredText[] | { [key: string]: AuthoredText };
