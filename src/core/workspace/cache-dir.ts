import os from "node:os";
import path from "node:path";

/** Where Lancer keeps base repositories built from banks: LANCER_CACHE_DIR, XDG, or ~/.cache. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LANCER_CACHE_DIR) return path.resolve(env.LANCER_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(xdg, "lancer");
}
