import { readText } from "./contents.ts";
import { CONFIG_PATH, ConfigError, parseLancerConfig, type LancerConfig } from "./lancer-config.ts";
import type { GitHub } from "./rest.ts";

export interface LoadedConfig {
  config: LancerConfig;
  /** Set when the file on the default branch is invalid and the last good one is used. */
  problem?: ConfigError;
}

/**
 * Reads each org's `.github/lancer.yml` from its grader repository, keeping the last good
 * configuration per org: an invalid file is reported, not obeyed. A fresh instance that has
 * never seen a good file for the org gets undefined (the app then does nothing for that org).
 */
export class OrgConfigSource {
  readonly #lastGood = new Map<string, LancerConfig>();
  readonly #graderRepo: string;

  constructor(graderRepo: string) {
    this.#graderRepo = graderRepo;
  }

  get graderRepo(): string {
    return this.#graderRepo;
  }

  async load(github: GitHub, org: string): Promise<LoadedConfig | { problem: ConfigError }> {
    const file = await readText(github, { owner: org, repo: this.#graderRepo, path: CONFIG_PATH });
    const where = `${org}/${this.#graderRepo}:${CONFIG_PATH}`;
    if (!file) {
      const problem = new ConfigError(`${where}: missing (run lancer seed, or add it)`, "(file)");
      const config = this.#lastGood.get(org);
      return config ? { config, problem } : { problem };
    }
    try {
      const config = parseLancerConfig(file.text, where);
      this.#lastGood.set(org, config);
      return { config };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const config = this.#lastGood.get(org);
      return config ? { config, problem: error } : { problem: error };
    }
  }
}
