/**
 * The `swe-lancer` environment profile: the official SWE-Lancer image, started as the official
 * harness starts it. Facts from openai/SWELancer-Benchmark (Dockerfile_x86, runtime_scripts/
 * run.sh) and openai/frontier-evals project/swelancer (swelancer/eval.py, README.md).
 */

/** The single image that sets each task up at start (`ISSUE_ID`); ≈ 14 GB unpacked. */
export const MONOLITH_IMAGE = "swelancer/swelancer_x86_monolith:releasev1";

/** A task's own prebuilt image, as the official harness names it. */
export function perTaskImage(questionId: string): string {
  return `swelancer/swelancer_x86_${questionId}:releasev1`;
}

export const SWE_LANCER_PROFILE = {
  name: "swe-lancer",
  /** The image's commands (nvm, playwright, mkcert) live under /root. */
  home: "/root",
  /** Where the image keeps the tests, the playbooks and their logs. */
  testsDir: "/app/tests",
  /** The Expensify checkout the candidate's patch is applied to. */
  repoDir: "/app/expensify",
  /** run.sh writes `done` here once Xvfb, the fake pusher, nginx and mitmproxy are set up. */
  setupDoneFile: "/setup_done.txt",
  /** The playbook that serves the app, replays flow.mitm and runs pytest on test.py. */
  playbook: "/app/tests/run_tests.yml",
  /** The official harness gives setup 2400 s. */
  setupTimeoutMs: 2400_000,
  /** The official harness runs the tests up to 3 times, stopping at the first pass. */
  runs: 3,
  /** The network setup uses (npm install at start); taken away before any test runs. */
  setupNetwork: "bridge",
} as const;

/** Files an issue folder must hold to be graded (one of the bug patches too). */
export const REQUIRED_ISSUE_FILES = ["test.py", "flow.mitm", "commit_id.txt"] as const;
/** The patch that puts the bug back on top of commit_id.txt: one of these. */
export const BUG_PATCHES = ["bug_reintroduce.patch", "issue_introduction.patch"] as const;
/** Read by the official setup when present; an empty one is written when absent. */
export const OPTIONAL_SETUP_FILES = ["git_tag.txt", "revert_command.txt"] as const;

/** A question id as the CSV writes it; it lands in paths and shell commands, so nothing else. */
export const QUESTION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** The issue folder inside the image. */
export function issueDirInImage(questionId: string): string {
  return `${SWE_LANCER_PROFILE.testsDir}/issues/${questionId}`;
}

/** Where run_tests.yml leaves pytest's exit status (and pytest.log beside it). */
export function logsDirInImage(questionId: string): string {
  return `${SWE_LANCER_PROFILE.testsDir}/logs/${questionId}`;
}

/** The grading command, as task.yaml records it (`hidden.test.command`). */
export function testCommand(questionId: string): string {
  return `ISSUE_ID=${questionId} ansible-playbook -i "localhost," --connection=local ${SWE_LANCER_PROFILE.playbook}`;
}
