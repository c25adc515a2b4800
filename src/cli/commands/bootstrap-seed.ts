import { InvalidArgumentError } from "commander";

/** `--seed`: the bootstrap generator's seed, an integer from 0 to 2^32 - 1. */
export function bootstrapSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(seed) || seed > 0xffff_ffff)
    throw new InvalidArgumentError(`${value} is not an integer from 0 to 4294967295`);
  return seed;
}
