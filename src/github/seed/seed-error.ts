/** A seeding failure, with a message naming the task, repository or option and what was expected. */
export class SeedError extends Error {
  override name = "SeedError";
}
