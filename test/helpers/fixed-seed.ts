import fc from 'fast-check'

/**
 * Every property test runs from one fixed seed, so CI never fails at random; a failure prints its seed and path
 * (fast-check does), and FC_SEED=<seed> replays a run or explores another.
 */
fc.configureGlobal({seed: Number(process.env.FC_SEED ?? 20261202)})
