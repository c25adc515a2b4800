/**
 * Node's compile cache folder in a TMPDIR (`module.enableCompileCache()`, which npm and npx
 * turn on). The install's is kept with the environment and given to each grading, so npm in
 * a test command starts warm: cold, `npx` takes ≈ 200 ms more.
 */
export const COMPILE_CACHE = "node-compile-cache";
