// Entry point of the Action (action.yml runs the bundle of this file, dist/index.js).
import { main } from "./main.ts";

await main();
