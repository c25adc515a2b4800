import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { git, GitError } from "../core/git/git.ts";
import { renderLeaderboard } from "../core/leaderboard/index.ts";
import { Catalogue, LedgerRecord } from "../core/ledger/ledger-record.ts";
import { cloneUrl, gitAuthEnv, lancerCommitEnv, redact } from "./git-auth.ts";

export interface PublishOptions {
  serverUrl: string;
  owner: string;
  repo: string;
  token: string;
  /** Pushes that lost a race to another instance are redone this many times. */
  maxTries?: number;
}

/** Every JSON file below a folder, as text, by path. */
async function jsonFiles(dir: string): Promise<Array<{ file: string; text: string }>> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith(".json"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(file, "utf8") })));
}

/** The catalogue and the records of a checked-out ledger; unreadable files are skipped, named. */
export async function readLedgerCheckout(
  dir: string,
): Promise<{ catalogue: Catalogue; records: LedgerRecord[]; problems: string[] }> {
  const problems: string[] = [];
  let catalogue: Catalogue = { schema: 1, org: "", tasks: [] };
  const tasksFile = path.join(dir, "tasks.json");
  if (existsSync(tasksFile)) {
    const parsed = Catalogue.safeParse(JSON.parse(await readFile(tasksFile, "utf8")));
    if (parsed.success) catalogue = parsed.data;
    else problems.push(`tasks.json: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  }
  const records: LedgerRecord[] = [];
  for (const folder of ["entries", "errors"]) {
    for (const { file, text } of await jsonFiles(path.join(dir, folder))) {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        problems.push(`${path.relative(dir, file)}: not JSON`);
        continue;
      }
      const parsed = LedgerRecord.safeParse(raw);
      if (parsed.success) records.push(parsed.data);
      else problems.push(`${path.relative(dir, file)}: not a ledger record`);
    }
  }
  return { catalogue, records, problems };
}

/**
 * Regenerates the ledger repository's README.md, leaderboard.svg, ledger.csv and index.html
 * (the static HTML leaderboard) from its entries and pushes them as one commit (nothing when they are unchanged). Git, not the
 * contents API: one clone and one push whatever the number of entries, and a push that
 * loses a race with another instance is simply redone on the new tip.
 */
export async function publishLeaderboard(
  options: PublishOptions,
): Promise<{ changed: boolean; records: number; problems: string[] }> {
  const env = {
    ...gitAuthEnv(options.serverUrl, options.token),
    ...lancerCommitEnv(new Date().toISOString()),
  };
  const dir = await mkdtemp(path.join(tmpdir(), "lancer-ledger-"));
  const url = cloneUrl(options.serverUrl, options.owner, options.repo);
  try {
    await git(["clone", "-q", "--depth=1", url, dir], { cwd: tmpdir(), env });
    for (let attempt = 1; ; attempt += 1) {
      const { catalogue, records, problems } = await readLedgerCheckout(dir);
      // The latest grading's time, not the clock: the same ledger gives the same bytes.
      const generatedAt =
        records
          .map((r) => r.graded_at)
          .sort()
          .at(-1) ?? "never";
      const files = renderLeaderboard({ catalogue, records, generatedAt });
      await writeFile(path.join(dir, "README.md"), files.readme);
      await writeFile(path.join(dir, "leaderboard.svg"), files.svg);
      await writeFile(path.join(dir, "ledger.csv"), files.csv);
      await writeFile(path.join(dir, "index.html"), files.html);
      await git(["add", "README.md", "leaderboard.svg", "ledger.csv", "index.html"], {
        cwd: dir,
        env,
      });
      const staged = await git(["diff", "--cached", "--quiet"], {
        cwd: dir,
        env,
        allowFailure: true,
      });
      if (staged.exitCode === 0) return { changed: false, records: records.length, problems };
      await git(["commit", "-q", "-m", `Leaderboard: ${records.length} graded attempts`], {
        cwd: dir,
        env,
      });
      const pushed = await git(["push", "-q", "origin", "HEAD"], {
        cwd: dir,
        env,
        allowFailure: true,
      });
      if (pushed.exitCode === 0) return { changed: true, records: records.length, problems };
      if (attempt >= (options.maxTries ?? 5))
        throw new Error(
          `cannot push the leaderboard to ${options.owner}/${options.repo}: ${redact(pushed.stderr, [options.token]).trim()}`,
        );
      await git(["fetch", "-q", "--depth=1", "origin", "HEAD"], { cwd: dir, env });
      await git(["reset", "-q", "--hard", "FETCH_HEAD"], { cwd: dir, env });
    }
  } catch (error) {
    if (error instanceof GitError)
      throw new Error(
        `cannot update the leaderboard of ${options.owner}/${options.repo}: ${redact(error.result.stderr, [options.token]).trim()}`,
        { cause: error },
      );
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
