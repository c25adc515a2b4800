export { renderLeaderboard } from "./render-leaderboard.ts";
export type { LeaderboardFiles } from "./render-leaderboard.ts";
export { computeStandings } from "./standings.ts";
export type { AgentStanding, KindStanding, OfferTotals, Standings } from "./standings.ts";
