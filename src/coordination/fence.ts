/**
 * Fencing tokens for a group of controllers (I8: one writer at a time, fenced).
 *
 * The leader's epoch is the etcd revision at which its election key was created: etcd
 * revisions only grow, so a later leader always holds a larger epoch than any earlier one,
 * however the clocks of the machines disagree. A write carries (epoch, generation); the
 * planner and the providers' compare-and-swap refuse a write whose token is older than the
 * one already published, so a deposed leader's late write can never win.
 */

/** An epoch and the generation the leader of that epoch minted. */
export interface FenceToken {
  /** The leader's election revision (an etcd revision: a positive integer). */
  readonly epoch: bigint;
  /** The plan's generation, monotonic within and across epochs. */
  readonly generation: number;
}

/** Negative when a is older than b, zero when equal, positive when newer: epoch first, then generation. */
export function compareFence(a: FenceToken, b: FenceToken): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return a.generation - b.generation;
}

/** True when `candidate` may replace `published`: strictly newer. Equal tokens are the same plan, not a newer one. */
export function supersedes(candidate: FenceToken, published: FenceToken | undefined): boolean {
  return published === undefined || compareFence(candidate, published) > 0;
}

/** Parses an epoch as etcd reports it (a decimal string); throws a RangeError naming the bad value. */
export function parseEpoch(text: string): bigint {
  if (!/^[1-9][0-9]*$/.test(text)) throw new RangeError(`an epoch is a positive etcd revision, got ${JSON.stringify(text)}`);
  return BigInt(text);
}
