import { statusOf, unlessMissing, type GitHub } from "./rest.ts";

export interface RepoFile {
  owner: string;
  repo: string;
  path: string;
}

/** The text of a file through the contents API, or undefined when there is no such file. */
export async function readText(
  github: GitHub,
  file: RepoFile,
  ref?: string,
): Promise<{ text: string; sha: string } | undefined> {
  const response = await unlessMissing(
    github.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: file.owner,
      repo: file.repo,
      path: file.path,
      ...(ref ? { ref } : {}),
    }),
  );
  if (!response) return undefined;
  const data = response.data as { type?: string; content?: string; sha: string };
  if (data.type !== "file" || data.content === undefined) return undefined;
  return { text: Buffer.from(data.content, "base64").toString("utf8"), sha: data.sha };
}

/** The names in a folder through the contents API (empty when there is no such folder). */
export async function listFolder(github: GitHub, file: RepoFile): Promise<string[]> {
  const response = await unlessMissing(
    github.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: file.owner,
      repo: file.repo,
      path: file.path,
    }),
  );
  if (!response || !Array.isArray(response.data)) return [];
  return (response.data as Array<{ name: string }>).map((entry) => entry.name);
}

/**
 * Creates a file and never replaces one: the contents API without `sha` refuses a path that
 * exists (422), which is what makes a ledger entry impossible to write twice. A 409 (the
 * branch moved under a concurrent write) is retried.
 */
export async function createFileOnce(
  github: GitHub,
  file: RepoFile,
  text: string,
  message: string,
): Promise<"created" | "exists"> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await github.request("PUT /repos/{owner}/{repo}/contents/{path}", {
        owner: file.owner,
        repo: file.repo,
        path: file.path,
        message,
        content: Buffer.from(text, "utf8").toString("base64"),
      });
      return "created";
    } catch (error) {
      const status = statusOf(error);
      if (status === 422) return "exists";
      if (status === 409 && attempt < 5) {
        // Another write moved the branch: try again on the new tip, a little later each time.
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        continue;
      }
      throw error;
    }
  }
}
