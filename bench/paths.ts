/** Where things are, from the compiled file's location (dist/bench/paths.js). */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI_BIN = join(REPO_ROOT, "bin", "xoauth-mail.js");
export const PY_DIR = join(REPO_ROOT, "bench", "py");
export const BARE_CLIENT = join(REPO_ROOT, "dist", "bench", "peers", "bare-client.js");
export const RESULTS_MD = join(REPO_ROOT, "bench", "RESULTS.md");
export const GRAPH_NAIVE_CLIENT = join(REPO_ROOT, "dist", "bench", "peers", "graph-naive-client.js");
