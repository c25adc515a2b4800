import { readText } from "./contents.ts";
import { CONFIG_PATH, ConfigError, parseLancerConfig, type LancerConfig } from "./lancer-config.ts";
import type { GitHub } from "./rest.ts";
import { TtlCache } from "./ttl-cache.ts";

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
  /** How long a read file is trusted before it is read again (a push re-reads it at once). */
  readonly #recent: TtlCache<{ text: string } | undefined>;

  constructor(graderRepo: string, ttlMs = 60_000) {
    this.#graderRepo = graderRepo;
    this.#recent = new TtlCache(ttlMs);
  }

  get graderRepo(): string {
    return this.#graderRepo;
  }

  async load(
    github: GitHub,
    org: string,
    options: { fresh?: boolean } = {},
  ): Promise<LoadedConfig | { problem: ConfigError }> {
    if (options.fresh) this.#recent.forget(org);
    const file = await this.#recent.get(org, () =>
      readText(github, { owner: org, repo: this.#graderRepo, path: CONFIG_PATH }),
    );
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
