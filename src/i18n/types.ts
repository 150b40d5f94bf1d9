import type { ErrorCode } from "../errors.js";

/** User-facing text for one error / diagnosis code. `{name}` placeholders are filled from params. */
export interface CodeText {
  /** One sentence: what happened. */
  summary: string;
  /** Likely causes, most likely first. */
  causes: string[];
  /** Exact next steps: portal paths, PowerShell or shell commands, flags. */
  fix: string[];
}

export type CodeCatalog = Partial<Record<ErrorCode, CodeText>>;
export type UiCatalog = Record<string, string>;
export type Lang = "en" | "de";
