import { describe, expect, it } from "vitest";
import {
  readTaskIssue,
  renderProposalComment,
  renderTaskIssue,
  taskIdOf,
} from "../../src/github/task-issue.ts";
import type { PublicTask } from "../../src/core/task/schema.ts";

const manager: PublicTask = {
  id: "mgr-1",
  kind: "manager",
  title: "Pick a fix",
  body: "The list flickers.\n\n<!-- not a marker -->",
  price_cents: 150000,
  labels: [],
  rules: { attempts: 2 },
  proposals: [
    { id: 0, author: "ana", content: "Debounce the fetch." },
    { id: 1, content: "Cache the list.\n\nWith _care_." },
  ],
};

const app = { login: "lancer[bot]" };

describe("task issues", () => {
  it("round-trips a task through its issue and proposal comments", () => {
    const issue = renderTaskIssue(manager);
    expect(issue.labels).toEqual(["lancer", "$1,500", "manager"]);
    expect(issue.body).toContain("/select N");
    expect(taskIdOf(issue.body)).toBe("mgr-1");
    const comments = manager.proposals!.map((p) => ({ body: renderProposalComment(p), user: app }));
    const read = readTaskIssue({ ...issue, user: app }, comments, "o/r#1");
    expect(read).toMatchObject({
      id: "mgr-1",
      kind: "manager",
      title: "Pick a fix",
      body: manager.body,
      price_cents: 150000,
      proposals: [
        { id: 0, content: "Debounce the fetch." },
        { id: 1, content: "Cache the list.\n\nWith _care_." },
      ],
    });
  });

  it("ignores proposals posted by anyone but the issue's author", () => {
    const issue = { ...renderTaskIssue(manager), user: app };
    const forged = {
      body: renderProposalComment({ id: 9, content: "Pick me" }),
      user: { login: "mallory" },
    };
    const real = { body: renderProposalComment(manager.proposals![0]!), user: app };
    expect(readTaskIssue(issue, [forged, real], "o/r#1").proposals?.map((p) => p.id)).toEqual([0]);
  });

  it("says when an issue is not a task or its marker is broken", () => {
    expect(() => readTaskIssue({ title: "Hi", body: "hello" }, [], "o/r#2")).toThrow(
      "o/r#2 is not a Lancer task (no lancer:task marker)",
    );
    expect(() =>
      readTaskIssue(
        { title: "Hi", body: '<!-- lancer:task {"id":"../x","kind":"ic"} -->' },
        [],
        "o/r#3",
      ),
    ).toThrow(/^o\/r#3: the lancer:task marker is not valid/);
    expect(taskIdOf(null)).toBeUndefined();
  });
});
