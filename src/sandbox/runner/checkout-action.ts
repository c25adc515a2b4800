import { mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { git, type GitOptions } from "../../core/git/git.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Repo } from "../state/model.ts";

/** What `actions/checkout` is given: its `with:` inputs and the run's facts. */
export interface CheckoutRequest {
  inputs: Record<string, string>;
  repo: Repo;
  /** The run's `github.ref` and `github.sha`, checked out when `ref` is not given. */
  ref: string;
  sha: string;
  workspace: string;
  /** The job's GITHUB_TOKEN, the default `token`. */
  defaultToken: string;
  /** The job's HOME (git needs one). */
  home: string;
}

/** What a step that is not a process reports: log lines, outputs, success or the error. */
export interface BuiltinStepResult {
  lines: string[];
  outputs: Record<string, string>;
  error?: string;
}

/** Inputs that change nothing here, and inputs the sandbox cannot honour unless left at their default. */
const IGNORED = ["clean", "show-progress", "set-safe-directory", "fetch-tags"];
const UNSUPPORTED_UNLESS_DEFAULT: Record<string, string[]> = {
  submodules: ["", "false"],
  lfs: ["", "false"],
  "sparse-checkout": [""],
  "sparse-checkout-cone-mode": ["", "true"],
  "ssh-key": [""],
  "ssh-known-hosts": [""],
  "ssh-strict": ["", "true"],
  "ssh-user": ["", "git"],
  filter: [""],
  "github-server-url": [""],
};
const KNOWN = [
  "repository",
  "ref",
  "token",
  "path",
  "fetch-depth",
  "persist-credentials",
  ...IGNORED,
  ...Object.keys(UNSUPPORTED_UNLESS_DEFAULT),
];

function isFullSha(ref: string): boolean {
  return /^[0-9a-f]{40}$/i.test(ref);
}

/**
 * `actions/checkout`, natively: clones the repository from the sandbox over HTTP with the
 * token, at the run's commit (or `ref`), `fetch-depth` commits deep, into `path`. With
 * `persist-credentials` (the default) the token stays in the clone's local config as an
 * `http.<url>.extraheader`, like the real action; without it nothing of the token is left.
 */
export async function checkoutAction(
  sandbox: Sandbox,
  request: CheckoutRequest,
): Promise<BuiltinStepResult> {
  const { inputs } = request;
  const lines: string[] = [];
  const fail = (error: string): BuiltinStepResult => ({ lines, outputs: {}, error });
  for (const name of Object.keys(inputs))
    if (!KNOWN.includes(name))
      lines.push(`##[warning]Unexpected input 'actions/checkout': ${name}`);
  for (const [name, defaults] of Object.entries(UNSUPPORTED_UNLESS_DEFAULT)) {
    const value = inputs[name];
    if (value !== undefined && !defaults.includes(value.trim()))
      return fail(`actions/checkout input '${name}' is not supported by the sandbox runner`);
  }
  const { store } = sandbox;
  const fullName =
    inputs.repository?.trim() || `${store.ownerLogin(request.repo)}/${request.repo.name}`;
  const [owner = "", name = ""] = fullName.split("/");
  const target = store.repoByName(owner, name);
  const sameRepo = target?.id === request.repo.id;
  const token = inputs.token?.trim() || request.defaultToken;
  const depthText = inputs["fetch-depth"]?.trim() || "1";
  const depth = Number(depthText);
  if (!Number.isInteger(depth) || depth < 0)
    return fail(`actions/checkout input 'fetch-depth': '${depthText}' is not a number >= 0`);
  const persist = (inputs["persist-credentials"]?.trim() || "true").toLowerCase() !== "false";
  const dir = path.resolve(request.workspace, inputs.path?.trim() || ".");
  if (dir !== request.workspace && !dir.startsWith(request.workspace + path.sep))
    return fail(`Repository path '${dir}' is not under '${request.workspace}'`);

  // Which commit: the run's own when nothing else is asked, else the ref or sha given.
  let refInput = inputs.ref?.trim() ?? "";
  let sha: string | undefined;
  let branch: string | undefined;
  if (refInput === "" && sameRepo) {
    refInput = request.ref;
    sha = request.sha;
  }
  if (target && sha === undefined) {
    if (refInput === "") refInput = `refs/heads/${target.defaultBranch}`;
    sha = isFullSha(refInput) ? refInput : await resolveRef(target.gitDir, refInput);
  }
  if (refInput.startsWith("refs/heads/")) branch = refInput.slice("refs/heads/".length);
  else if (target && !refInput.startsWith("refs/") && !isFullSha(refInput)) {
    const isBranch = await git(["show-ref", "--verify", "--quiet", `refs/heads/${refInput}`], {
      cwd: target.gitDir,
      allowFailure: true,
    });
    if (isBranch.exitCode === 0) branch = refInput;
  }
  lines.push(`Syncing repository: ${fullName}`);
  const url = `${sandbox.url}/${fullName}.git`;
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
  const configKey = `http.${sandbox.url}/.extraheader`;
  const env: Record<string, string> = { HOME: request.home };
  const authEnv: Record<string, string> = persist
    ? {}
    : { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: configKey, GIT_CONFIG_VALUE_0: header };
  const run = async (args: string[], extraEnv: Record<string, string> = {}) => {
    lines.push(
      `[command]git ${args.map((a) => (a === header ? "AUTHORIZATION: basic ***" : a)).join(" ")}`,
    );
    const options: GitOptions = { cwd: dir, env: { ...env, ...extraEnv }, allowFailure: true };
    const result = await git(args, options);
    for (const line of `${result.stdout}${result.stderr}`.split("\n"))
      if (line.trim() !== "") lines.push(line);
    return result.exitCode === 0;
  };

  await mkdir(dir, { recursive: true });
  for (const entry of await readdir(dir))
    await rm(path.join(dir, entry), { recursive: true, force: true });
  if (!(await run(["init", "-q"]))) return fail("git init failed");
  if (!(await run(["remote", "add", "origin", url]))) return fail("git remote add failed");
  if (persist && !(await run(["config", "--local", configKey, header])))
    return fail("could not persist the credentials");
  if (sha === undefined) {
    // Unknown or invisible repository or ref: let the fetch report it as git would.
    const refspec = refInput === "" ? "HEAD" : refInput;
    await run(["fetch", "--no-tags", "--depth=1", "origin", refspec], authEnv);
    return fail(`The repository '${fullName}' or its ref '${refspec}' could not be fetched`);
  }
  const remoteRef = branch ? `refs/remotes/origin/${branch}` : undefined;
  const fetchArgs = [
    "fetch",
    "--no-tags",
    "--prune",
    "--no-recurse-submodules",
    ...(depth > 0 ? [`--depth=${depth}`] : []),
    "origin",
    remoteRef ? `+${sha}:${remoteRef}` : sha,
  ];
  if (!(await run(fetchArgs, authEnv)))
    return fail(`The process 'git fetch' failed for ${fullName} at ${sha}`);
  const checkoutArgs = remoteRef
    ? ["checkout", "--progress", "--force", "-B", branch!, remoteRef]
    : ["checkout", "--progress", "--force", sha];
  if (!(await run(checkoutArgs))) return fail(`git checkout of ${sha} failed`);
  lines.push(`HEAD is now at ${sha}`);
  return { lines, outputs: { ref: refInput, commit: sha } };
}

async function resolveRef(gitDir: string, ref: string): Promise<string | undefined> {
  for (const candidate of ref.startsWith("refs/")
    ? [ref]
    : [`refs/heads/${ref}`, `refs/tags/${ref}`]) {
    const result = await git(["rev-parse", "--verify", "--quiet", `${candidate}^{commit}`], {
      cwd: gitDir,
      allowFailure: true,
    });
    if (result.exitCode === 0) return result.stdout.trim();
  }
  return undefined;
}
