// Entry point of the Action (action.yml runs the bundle of this file, dist/index.js).
import * as core from "@actions/core";
import { readEventPayload } from "./event-file.ts";

// @actions/github parses GITHUB_EVENT_PATH as it loads, failing a bad file with a raw
// SyntaxError and a stack trace. The file is checked first; main, which loads it, after.
let eventProblem: string | undefined;
try {
  readEventPayload(process.env);
} catch (error) {
  eventProblem = (error as Error).message;
}
if (eventProblem !== undefined) core.setFailed(eventProblem);
else {
  const { main } = await import("./main.ts");
  await main();
}
