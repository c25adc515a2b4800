/**
 * Signs, in a command's output, that it tried to reach the network where it has none (build
 * and tests in a container run with `--network none`): name resolution and connection errors
 * as npm, Node, pip, curl, git and Python print them.
 */
const NETWORK_REFUSED =
  /\b(?:ENOTFOUND|EAI_AGAIN|ENETUNREACH|ECONNREFUSED|getaddrinfo|Temporary failure in name resolution|Could not resolve host|Network is unreachable|Name or service not known|NewConnectionError)\b.*/;

/** The first output line that shows a refused network access, if any. */
export function networkRefusal(output: string): string | undefined {
  return NETWORK_REFUSED.exec(output)?.[0]?.trim().slice(0, 300);
}

/** The message of an environment error for a step that needed the network it lacks. */
export function networkRefusalMessage(phase: "build" | "test", line: string): string {
  return `environment: the ${phase} step needed the network, which ${phase === "test" ? "tests run" : "builds run"} without (--network none); download in environment.install instead (${line})`;
}
