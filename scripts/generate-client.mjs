#!/usr/bin/env node
// Writes src/client/openapi.ts (nightshift/client's types) from the API's live OpenAPI document.
import { writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { clientTypes, clientTypesFile } = await import('./client-types.ts');
writeFileSync(clientTypesFile, await clientTypes());
console.log(`wrote ${clientTypesFile.pathname}`);
