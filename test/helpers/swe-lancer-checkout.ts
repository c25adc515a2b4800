import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";

/** The real lite sample in ../shared (read from there, never copied into the project). */
export const LITE_SAMPLE = path.resolve(
  import.meta.dirname,
  "../../../shared/datasets/swe-lancer/swelancer_tasks_lite.sample.csv",
);
export const HAVE_SAMPLE = existsSync(LITE_SAMPLE);

/** The IC rows of the sample: question id and price in cents. */
export function sampleIcRows(): Array<{ id: string; cents: number }> {
  const rows = parse<Record<string, string>>(readFileSync(LITE_SAMPLE, "utf8"), {
    columns: true,
  });
  return rows
    .filter((r) => r.variant === "ic_swe")
    .map((r) => ({ id: r.question_id!, cents: Math.round(Number(r.price) * 100) }));
}

/** A bug patch of the stand-in: one line of src/libs/Hello.js changed, as a git diff. */
export const BUG_PATCH = `diff --git a/src/libs/Hello.js b/src/libs/Hello.js
index 1111111..2222222 100644
--- a/src/libs/Hello.js
+++ b/src/libs/Hello.js
@@ -1,3 +1,3 @@
 export function hello(name) {
-    return \`Hello, \${name}!\`;
+    return \`Hello, \${name}\`;
 }
`;

/** The stand-in's Expensify source at commit_id.txt, before the bug patch. */
export const HELLO_SOURCE = "export function hello(name) {\n    return `Hello, ${name}!`;\n}\n";

export type IssueShape = "complete" | "missing" | "no-flow" | "bad-commit" | "intro-patch";

/**
 * Writes `issues/<id>/` of a stand-in benchmark checkout in the documented layout: test.py,
 * user_tool.py, flow.mitm (bytes that are not UTF-8), issue_data.json, the bug patch,
 * commit_id.txt and git_tag.txt; or a broken variant of it.
 */
export function writeIssue(root: string, id: string, shape: IssueShape, commit: string): void {
  if (shape === "missing") return;
  const dir = path.join(root, "issues", id);
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string | Buffer> = {
    "test.py": `def test_${id.replace(/\W/g, "_")}():\n    assert True\n`,
    "user_tool.py": "# user tool\n",
    "issue_data.json": JSON.stringify({ id }),
    "commit_id.txt": shape === "bad-commit" ? "not a commit\n" : `${commit}\n`,
    "git_tag.txt": "",
    [shape === "intro-patch" ? "issue_introduction.patch" : "bug_reintroduce.patch"]: BUG_PATCH,
  };
  if (shape !== "no-flow") files["flow.mitm"] = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a]);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
}
