export { createOpenAiAgent, type OpenAiAgentOptions } from "./create-openai-agent.ts";
export {
  BUILT_IN_PRICES,
  loadPrices,
  priceFor,
  type ModelPrice,
  type PriceTable,
} from "./prices.ts";
export {
  DEFAULT_TRAJECTORY_CHARS,
  readTrajectory,
  renderTrajectoryMarkdown,
} from "./render-trajectory.ts";
export { DEFAULT_BASE_URL, type OpenAiAgentSettingsInput } from "./settings.ts";
export type { TrajectoryEntry } from "./trajectory.ts";
