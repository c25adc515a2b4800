import { randomBytes, randomInt } from "node:crypto";

/** One canary: a hidden test with a random name whose outcome the grader knows in advance. */
export interface Canary {
  name: string;
  /** `pass`: a true assertion; `fail`: a false one, through the assertion the tests use. */
  must: "pass" | "fail";
}

/** Words that make canary names look like any other test's: nothing marks them as Lancer's. */
const WORDS = [
  "handles",
  "keeps",
  "returns",
  "rejects",
  "parses",
  "skips",
  "accepts",
  "trims",
  "merges",
  "counts",
  "empty",
  "nested",
  "unicode",
  "input",
  "value",
  "order",
  "limit",
  "default",
  "options",
  "prefix",
  "suffix",
  "range",
  "spaces",
  "case",
  "large",
  "zero",
  "list",
  "map",
];

/**
 * A fresh set of canaries for one run: two that must pass and two that must fail, in a random
 * order, each named with random words and a random suffix, so no run's names tell another's.
 */
export function newCanarySet(): Canary[] {
  const musts: Canary["must"][] = ["pass", "fail", "pass", "fail"];
  // Fisher-Yates with the crypto generator: the order says nothing about which must fail.
  for (let i = musts.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [musts[i], musts[j]] = [musts[j]!, musts[i]!];
  }
  return musts.map((must) => ({ name: canaryName(), must }));
}

function canaryName(): string {
  const words = Array.from({ length: 3 }, () => WORDS[randomInt(WORDS.length)]!);
  return `test_${words.join("_")}_${randomBytes(4).toString("hex")}`;
}

/** Two distinct random integers, for assertions whose truth only running them tells. */
export function distinctInts(): [number, number] {
  const a = randomInt(1_000_000);
  let b = randomInt(1_000_000);
  if (b === a) b = (a + 1 + randomInt(999)) % 1_000_000;
  return [a, b];
}
