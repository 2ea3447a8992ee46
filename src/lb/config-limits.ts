/**
 * The most bytes quiclens reads of one load-balancer config file (an nginx include counts
 * on its own). Real configs are kilobytes; a listing of every Service of a large cluster a
 * few tens of megabytes. More is refused with a message, never read into memory whole
 * (docs/lb/README.md, "Limits").
 */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;
