import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { execa } from "execa";
import { canSee, holds } from "../auth/permissions.ts";
import { resolvePrincipal } from "../auth/resolve-principal.ts";
import { ApiError } from "../http/api-error.ts";
import type { Principal, Repo } from "../state/model.ts";
import type { Sandbox } from "../sandbox.ts";
import { readRefs, type RefUpdate } from "./refs.ts";

export type PushListener = (repo: Repo, updates: RefUpdate[], principal: Principal) => void;

function deny(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    ...(status === 401 ? { "www-authenticate": 'Basic realm="GitHub"' } : {}),
  });
  response.end(`${message}\n`);
}

/** Whether a pusher may change workflow files: a `workflow`-scoped token or the `workflows` permission. */
function mayPushWorkflows(principal: Principal): boolean {
  if (principal.kind === "user") return principal.scopes.includes("workflow");
  if (principal.kind === "installation") return principal.permissions.workflows === "write";
  return false;
}

function loginOf(sandbox: Sandbox, principal: Principal): string {
  if (principal.kind === "user")
    return sandbox.store.users.get(principal.userId)?.login ?? "unknown";
  return "x-access-token";
}

/**
 * Serves git's smart HTTP protocol through the real `git http-backend`, with GitHub's token
 * auth (Basic `x-access-token:<token>`), its read/write checks, the workflows rule (in the
 * pre-receive hook), and a call to `onPush` with the refs a push changed.
 */
export function createGitHandler(sandbox: Sandbox, onPush: PushListener) {
  return async (
    request: IncomingMessage,
    response: ServerResponse,
    match: RegExpExecArray,
  ): Promise<void> => {
    let principal: Principal;
    try {
      principal = resolvePrincipal(sandbox.store, request.headers);
    } catch (error) {
      if (error instanceof ApiError) return deny(response, 401, "Invalid username or token.");
      throw error;
    }
    const [, owner, name, rest = ""] = match;
    const repo = sandbox.store.repoByName(owner!, name!);
    const url = new URL(request.url ?? "/", sandbox.url);
    const service = url.searchParams.get("service") ?? path.basename(rest);
    const pushing = service === "git-receive-pack";
    if (!repo || !canSee(sandbox.store, principal, repo)) {
      if (principal.kind === "anonymous") return deny(response, 401, "Authentication required.");
      return deny(response, 404, "Repository not found.");
    }
    if (pushing && principal.kind === "anonymous")
      return deny(response, 401, "Authentication required.");
    if (!holds(sandbox.store, principal, repo, "contents", pushing ? "write" : "read")) {
      return deny(
        response,
        403,
        `Permission to ${owner}/${name}.git denied to ${loginOf(sandbox, principal)}.`,
      );
    }
    const before =
      pushing && rest.endsWith("git-receive-pack") ? await readRefs(repo.gitDir) : undefined;
    const child = execa("git", ["http-backend"], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        GIT_PROJECT_ROOT: path.dirname(path.dirname(repo.gitDir)),
        GIT_HTTP_EXPORT_ALL: "1",
        PATH_INFO: `/${path.basename(path.dirname(repo.gitDir))}/${path.basename(repo.gitDir)}${rest}`,
        REQUEST_METHOD: request.method ?? "GET",
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: request.headers["content-type"] ?? "",
        ...(request.headers["content-length"]
          ? { CONTENT_LENGTH: request.headers["content-length"] }
          : {}),
        ...(request.headers["content-encoding"]
          ? { HTTP_CONTENT_ENCODING: request.headers["content-encoding"] }
          : {}),
        ...(request.headers["git-protocol"]
          ? { GIT_PROTOCOL: String(request.headers["git-protocol"]) }
          : {}),
        REMOTE_USER: loginOf(sandbox, principal),
        REMOTE_ADDR: request.socket.remoteAddress ?? "127.0.0.1",
        GIT_CONFIG_NOSYSTEM: "1",
        HOME: sandbox.stateDir,
        LANCER_PUSH_WORKFLOWS: mayPushWorkflows(principal) ? "write" : "none",
      },
      extendEnv: false,
      buffer: false,
      reject: false,
      stdin: "pipe",
    });
    // Drain stderr: an unread pipe that fills up would block http-backend forever.
    child.stderr?.resume();
    request.pipe(child.stdin);
    await relayCgi(child.stdout, response);
    await child;
    // Hand the push over before git hears back, so that whoever waits for the sandbox to
    // settle after a push also waits for its webhooks and workflows.
    if (before) {
      const after = await readRefs(repo.gitDir);
      const updates = diffRefs(before, after);
      if (updates.length > 0) onPush(repo, updates, principal);
    }
    response.end();
  };
}

function diffRefs(before: Map<string, string>, after: Map<string, string>): RefUpdate[] {
  const zero = "0".repeat(40);
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names]
    .filter((ref) => before.get(ref) !== after.get(ref))
    .map((ref) => ({ ref, before: before.get(ref) ?? zero, after: after.get(ref) ?? zero }));
}

/** Copies a CGI response (headers, blank line, body) onto an HTTP response, leaving it open. */
function relayCgi(stdout: NodeJS.ReadableStream, response: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    let headersDone = false;
    stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        response.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n") >= 0 ? head.indexOf("\r\n\r\n") : head.indexOf("\n\n");
      if (end < 0) return;
      const separator = head[end] === 13 ? 4 : 2;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        const key = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (key === "status") status = Number.parseInt(value, 10);
        else headers[key] = value;
      }
      response.writeHead(status, headers);
      headersDone = true;
      const body = head.subarray(end + separator);
      if (body.length > 0) response.write(body);
    });
    stdout.on("end", () => {
      if (!headersDone) response.writeHead(502);
      resolve();
    });
    stdout.on("error", reject);
  });
}
