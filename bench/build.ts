/** Builds a synthetic benchmark tree: `deno run -A bench/build.ts <size> <file>`. */
import { buildSynthetic } from "./common.ts";

const [size, path] = Deno.args;
const t0 = performance.now();
await buildSynthetic(Number(size), path);
console.error(`built ${path} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
