#!/usr/bin/env node
// Writes schema/workflow.schema.json from the validator's field tables (scripts/workflow-schema.ts).
import { writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { workflowSchemaFile, workflowSchemaText } = await import('./workflow-schema.ts');
writeFileSync(workflowSchemaFile, workflowSchemaText());
console.log(`wrote ${workflowSchemaFile.pathname}`);
