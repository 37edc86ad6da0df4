import v8 from "node:v8";

/**
 * V8 settings for the server, applied before anything compiles WebAssembly (main.ts imports this first).
 *
 * Prisma's query compiler is the only WebAssembly PCC runs: a few hundred microseconds per query. By
 * default V8 recompiles its hot functions with TurboFan in the background, and that optimized code (with
 * the memory its compiles took) stays resident: about 8 MB of an idle PCC. Its baseline (Liftoff) code
 * alone is smaller and, for this work, faster: queries took 0.39 ms instead of 0.56 ms on average, since
 * the recompiles never pay for themselves. Both measured in bench/README.md.
 */
v8.setFlagsFromString("--liftoff-only");
