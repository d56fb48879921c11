#!/usr/bin/env node
// The sluice command: runs the compiled CLI (build it first with `npm run build`).
import "../dist/main.js";
