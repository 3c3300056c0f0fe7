/** The executable entry point (bin/nightshift imports this). */
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
