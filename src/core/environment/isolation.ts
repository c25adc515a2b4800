import type { EnvironmentSpec } from "../task/schema.ts";
import { dockerImageId } from "./docker.ts";
import { EnvironmentError } from "./environment-error.ts";

/** Where a grading runs its install, build and tests: the `--isolation` choice. */
export const ISOLATION_MODES = ["auto", "host", "container"] as const;
export type IsolationMode = (typeof ISOLATION_MODES)[number];

/** What the caller asked for: a mode and an image for tasks that name none. */
export interface IsolationChoice {
  mode?: IsolationMode;
  /** The image for tasks without `environment.image` (`--image`). */
  image?: string;
}

/** Where one task's commands run. */
export type Isolation =
  | { kind: "host" }
  | {
      kind: "container";
      image: string;
      /** The image's id when the grading started: it keys the cached environment. */
      imageId: string;
    };

export const HOST: Isolation = { kind: "host" };

/**
 * Decides where a task's commands run. `auto` (the default) uses a container when the task
 * names an image (`environment.image`) or the caller gave one, else the host; `host` always
 * the host; `container` always a container, and then an image must be known. The image must
 * be on this machine or pullable, and a Docker daemon must answer: otherwise an
 * EnvironmentError says what is missing.
 */
export async function resolveIsolation(
  spec: EnvironmentSpec | undefined,
  choice: IsolationChoice = {},
): Promise<Isolation> {
  const mode = choice.mode ?? "auto";
  if (mode === "host") return HOST;
  const image = spec?.image ?? choice.image;
  if (image === undefined) {
    if (mode === "auto") return HOST;
    throw new EnvironmentError(
      "environment: --isolation container needs an image: the task has no environment.image and no --image was given",
    );
  }
  return { kind: "container", image, imageId: await dockerImageId(image) };
}

/** For reports: `host`, or `container <image>`. */
export function describeIsolation(isolation: Isolation): string {
  return isolation.kind === "host" ? "host" : `container ${isolation.image}`;
}
