/** The executable entry point (bin/nightshift imports this). */
import { loadedShared } from './verbs.ts';
import { main } from './main.ts';

// The last net under a driver that lets a connection error escape as an unhandled rejection (the
// postgres.js bugs store/connection.ts works around): such an error is said, and the process goes on
// and reconnects. Any other unhandled rejection still ends the process, as Node's default does.
process.on('unhandledRejection', (reason) => {
  // Before any command ran (shared not loaded) no connection was opened.
  if (!loadedShared()?.isDatabaseUnreachable(reason)) throw reason;
  const code = (reason as { code?: unknown }).code;
  process.stderr.write(`nightshift: an unhandled database connection error (${String(code)}) was caught; the connection is re-established\n`);
});

process.exitCode = await main(process.argv.slice(2));
// The command is done. Anything still holding the event loop (a socket or timer a handler module
// opened) would keep the process up for ever: it ends a moment later (stdout and stderr are written by
// then), and at once when nothing holds it (the timer does not).
setTimeout(() => process.exit(), 500).unref();
