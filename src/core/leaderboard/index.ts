export { renderLeaderboard } from "./render-leaderboard.ts";
export type { LeaderboardFiles } from "./render-leaderboard.ts";
export { computeStandings } from "./standings.ts";
export type { AgentStanding, KindStanding, OfferTotals, Standings } from "./standings.ts";
export { renderLeaderboardHtml } from "./leaderboard-html.ts";
export { taskRows } from "./task-rows.ts";
export type { TaskRow } from "./task-rows.ts";
