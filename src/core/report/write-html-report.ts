import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Writes the page as `<dir>/index.html` (the folder is made when missing) and returns its
 * absolute path. Written beside and renamed into place: a reader never sees half a page.
 */
export async function writeHtmlReport(dir: string, html: string): Promise<string> {
  const folder = path.resolve(dir);
  await mkdir(folder, { recursive: true });
  const file = path.join(folder, "index.html");
  const partial = path.join(folder, `.index.html.${process.pid}.tmp`);
  await writeFile(partial, html);
  await rename(partial, file);
  return file;
}
