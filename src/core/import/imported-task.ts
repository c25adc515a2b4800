import type { TaskFile } from "../task/schema.ts";

/** A task made by an importer with the files that go beside its task.yaml. */
export interface ImportedTask {
  /** 1-based line of the input where the row starts. */
  line: number;
  task: TaskFile;
  /** Reference fix and hidden test changes, when the source has them. */
  goldPatch?: string;
  testPatch?: string;
  /** Other files of the task folder, by path relative to it (e.g. `hidden/issues/<id>/flow.mitm`). */
  files?: Record<string, Buffer>;
}
