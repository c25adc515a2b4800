import {
  issueDirInImage,
  logsDirInImage,
  QUESTION_ID,
  SWE_LANCER_PROFILE as P,
} from "./profile.ts";

/** One grading's container of the official image. */
export interface SweLancerContainer {
  name: string;
  image: string;
  questionId: string;
  /** A fresh copy of the task's `issues/<id>/` on the host: the one folder bound in. */
  issueDir: string;
  /** The network setup uses; `none` for an image that needs none. */
  network: string;
}

/** Variables passed by name (`-e NAME`): their values are random per grading, never in argv. */
export const PUSHER_VARIABLES = ["PUSHER_APP_ID", "PUSHER_APP_KEY", "PUSHER_APP_SECRET"] as const;

function checked(c: SweLancerContainer): SweLancerContainer {
  if (!QUESTION_ID.test(c.questionId))
    throw new Error(`swe-lancer: question id ${JSON.stringify(c.questionId)} is not a plain id`);
  if (/[,"\n]/.test(c.issueDir))
    throw new Error(`swe-lancer: ${JSON.stringify(c.issueDir)} cannot be given to docker`);
  return c;
}

/**
 * `docker run`: detached, with the image's own entrypoint and command (run.sh: Xvfb, the fake
 * pusher, nginx, the Expensify and mitmproxy setup, then `done` in /setup_done.txt), HOME=/root,
 * the task's variables, and only the task's issue folder bound in, over the image's copy.
 */
export function startArgs(container: SweLancerContainer): string[] {
  const c = checked(container);
  return [
    "run",
    "--detach",
    "--name",
    c.name,
    "--label",
    "lancer=swe-lancer",
    "--network",
    c.network,
    "-e",
    `HOME=${P.home}`,
    "-e",
    `ISSUE_ID=${c.questionId}`,
    "-e",
    "EVAL_VARIANT=ic_swe",
    "-e",
    "LC_ALL=C.UTF-8",
    ...PUSHER_VARIABLES.flatMap((name) => ["-e", name]),
    "--mount",
    `type=bind,source=${c.issueDir},target=${issueDirInImage(c.questionId)}`,
    c.image,
  ];
}

/** Waits in the container until setup wrote `done`; fails when the container stops. */
export function waitForSetupArgs(name: string): string[] {
  const wait = `until [ "$(cat ${P.setupDoneFile} 2>/dev/null)" = done ]; do sleep 5; done`;
  return ["exec", name, "bash", "-c", wait];
}

/** Takes the container off its network: the tests run with loopback only. */
export function networkOffArgs(container: SweLancerContainer): string[] | undefined {
  if (container.network === "none") return undefined;
  return ["network", "disconnect", "--force", container.network, container.name];
}

/** Applies the candidate's diff (on stdin) to the Expensify checkout: git apply, else patch. */
export function applyPatchArgs(name: string): string[] {
  const file = "/tmp/lancer-candidate.patch";
  const apply = `cat > ${file} && { git apply --whitespace=nowarn ${file} || patch -p1 --forward --fuzz=5 < ${file}; }`;
  return ["exec", "--interactive", "--workdir", P.repoDir, name, "bash", "-c", apply];
}

/** One run of the task's playbook, with a fresh logs folder, as the official harness runs it. */
export function runTestsArgs(name: string, questionId: string): string[] {
  const logs = logsDirInImage(questionId);
  const run = `export ISSUE_ID=${questionId}; mkdir -p ${logs} && rm -rf ${logs}/*; ansible-playbook -i "localhost," --connection=local ${P.playbook}`;
  return ["exec", name, "bash", "-i", "-c", run];
}

/** Prints what run_tests.yml wrote as pytest's exit status. */
export function readExitCodeArgs(name: string, questionId: string): string[] {
  return ["exec", name, "cat", `${logsDirInImage(questionId)}/pytest_exit_code`];
}

/** The end of pytest's log, for the report. */
export function pytestLogArgs(name: string, questionId: string): string[] {
  return ["exec", name, "tail", "-c", "4000", `${logsDirInImage(questionId)}/pytest.log`];
}

/** Removes the container, running or not. */
export function removeArgs(name: string): string[] {
  return ["rm", "--force", name];
}
