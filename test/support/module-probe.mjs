// Loaded with `node --import`: registers a resolve hook that writes `LOADED <url>` on stderr for every
// module whose URL contains NIGHTSHIFT_PROBE_MODULE, so a test can tell whether a process imported it.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
import { writeSync } from 'node:fs';
const needle = ${JSON.stringify(process.env.NIGHTSHIFT_PROBE_MODULE ?? '')};
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (needle && result.url.includes(needle)) writeSync(2, 'LOADED ' + result.url + '\\n');
  return result;
}`));
