/**
 * The unbiased pass@k estimator of Chen et al. 2021 ("Evaluating Large Language Models Trained
 * on Code", section 2.1): of n attempts at a task, c passed; the chance that at least one of k
 * attempts drawn without replacement passes is 1 - C(n-c, k) / C(n, k).
 *
 * Computed as the paper's numerically stable product, 1 - Π_{i=n-c+1..n} (1 - k/i), so that
 * no binomial coefficient is ever formed (they overflow for a few hundred attempts).
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k))
    throw new RangeError(`pass@k: n, c and k must be integers, got n=${n} c=${c} k=${k}`);
  if (n < 1 || c < 0 || c > n || k < 1 || k > n)
    throw new RangeError(`pass@k: expected 0 <= c <= n and 1 <= k <= n, got n=${n} c=${c} k=${k}`);
  // Fewer failures than draws: every draw of k attempts holds a pass.
  if (n - c < k) return 1;
  let allFail = 1;
  for (let i = n - c + 1; i <= n; i += 1) allFail *= 1 - k / i;
  return 1 - allFail;
}
