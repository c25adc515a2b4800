import { createHash } from "node:crypto";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import path from "node:path";

/** A content hash of a folder (paths, exec bits, symlinks, bytes), ignoring any .git folder. */
export async function hashDir(root: string): Promise<string> {
  const hash = createHash("sha256");
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .filter((rel) => !rel.split(path.sep).includes(".git"))
    .sort();
  for (const rel of files) {
    const full = path.join(root, rel);
    const info = await lstat(full);
    const body = info.isSymbolicLink() ? await readlink(full) : await readFile(full);
    hash.update(
      `${rel}\0${info.isSymbolicLink() ? "l" : info.mode & 0o111 ? "x" : "f"}\0${body.length}\0`,
    );
    hash.update(body);
  }
  return hash.digest("hex");
}
