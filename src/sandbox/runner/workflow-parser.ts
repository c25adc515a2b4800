import type * as WorkflowParser from "@actions/workflow-parser";
import { registerHooks } from "node:module";

type WorkflowParserModule = typeof WorkflowParser;

let loading: Promise<WorkflowParserModule> | undefined;

/**
 * Loads `@actions/workflow-parser`. Its schema modules import JSON files without the
 * `type: "json"` import attribute that Node requires, so a module hook adds the attribute for
 * that package's JSON files (and only those) before the first import.
 */
export function loadWorkflowParser(): Promise<WorkflowParserModule> {
  loading ??= (async () => {
    registerHooks({
      load(url, context, nextLoad) {
        if (
          url.endsWith(".json") &&
          url.includes("/@actions/workflow-parser/") &&
          context.importAttributes.type === undefined
        ) {
          return nextLoad(url, {
            ...context,
            importAttributes: { ...context.importAttributes, type: "json" },
          });
        }
        return nextLoad(url, context);
      },
    });
    return import("@actions/workflow-parser");
  })();
  return loading;
}
