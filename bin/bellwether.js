#!/usr/bin/env node
// Entry point: registers the TypeScript loader (tsx), then hands over to the CLI. No build step is needed after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
