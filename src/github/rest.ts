import type { Octokit } from "@octokit/core";

/**
 * The one thing the app's GitHub code needs from an Octokit: `request`. Probot's, the
 * Action's and octokit's clients all have it, so this code depends on none of them.
 */
export type GitHub = Pick<Octokit, "request">;

/** The HTTP status of a failed request, if it was one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** Runs a request; a 404 becomes undefined, any other failure is thrown. */
export async function unlessMissing<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** Every item of a paginated list endpoint that answers an array (`per_page` 100). */
export async function listAll<T>(
  github: GitHub,
  route: string,
  params: Record<string, unknown>,
): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page += 1) {
    const response = await github.request(route, { ...params, per_page: 100, page });
    const batch = response.data as T[];
    items.push(...batch);
    if (batch.length < 100) return items;
  }
}
