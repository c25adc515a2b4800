import { readdirSync, readFileSync } from "node:fs";

/** Parent of each live process, read from /proc (Linux); empty where there is no /proc. */
function parentsByPid(): Map<number, number> {
  const parents = new Map<number, number>();
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return parents;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // After the command name (which may hold spaces and parentheses): state, then ppid.
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state !== "Z") parents.set(Number(name), Number(ppid));
    } catch {
      // gone meanwhile
    }
  }
  return parents;
}

/** Every live descendant of `root` (children, grandchildren, …), whatever its process group. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parentsByPid()) {
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/**
 * Kills every descendant of this process, synchronously (usable in an `exit` listener).
 * Process groups are not enough: a workflow step's Action runs graded tests in groups of
 * their own, and a killed step leaves them to init. So the whole tree is frozen first
 * (SIGSTOP, repeated until no new process shows up, so none can fork away), then killed.
 */
export function killDescendants(): number[] {
  const stopped = new Set<number>();
  for (let round = 0; round < 10; round++) {
    const fresh = descendantsOf(process.pid).filter((pid) => !stopped.has(pid));
    if (fresh.length === 0) break;
    for (const pid of fresh) {
      signal(pid, "SIGSTOP");
      stopped.add(pid);
    }
  }
  for (const pid of stopped) signal(pid, "SIGKILL");
  return [...stopped];
}

let installed = false;

/**
 * For long-running commands (`lancer sandbox`, `lancer demo`): when the process leaves (the
 * CLI exits on SIGINT and SIGTERM), no process it started outlives it.
 */
export function endProcessTreeOnExit(): void {
  if (installed) return;
  installed = true;
  process.on("exit", () => void killDescendants());
}
