#!/usr/bin/env node
// The xiot command. TypeScript sources run through tsx's loader; device bundles are built with
// esbuild instead (`xiot build-agent`).
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
