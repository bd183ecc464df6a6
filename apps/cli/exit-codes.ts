/** Process exit codes shared by every subcommand (documented in `failover --help`). */
export const EXIT = {
  ok: 0,
  failure: 1,
  badInput: 2,
  changesPending: 3,
} as const;
