/**
 * The most bytes quiclens reads of one load-balancer config file (an nginx include counts
 * on its own). Real configs are kilobytes; a listing of every Service of a large cluster a
 * few tens of megabytes. More is refused with a message, never read into memory whole
 * (docs/lb/README.md, "Limits").
 */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

/**
 * `lb check DIR`: the most config files taken from the folders named, the most entries
 * (files and folders) looked at while walking them, and how deep the walk goes. A
 * repository's load-balancer folder holds tens of files; past a limit the walk stops with
 * a message naming the folder, and the files found so far are still checked.
 */
export const MAX_FOLDER_CONFIGS = 10_000;
export const MAX_FOLDER_ENTRIES = 100_000;
export const MAX_FOLDER_DEPTH = 32;
