/** One thing wrong with a definition, located by JSON pointer and, when known, by file, line and column. */
export interface Problem {
  /** Stable, machine-readable: e.g. `NEXT_TARGET_MISSING`, `FIELD_NOT_ALLOWED`. */
  code: string;
  message: string;
  /** RFC 6901 pointer into the document the user wrote (the wrapper form included). */
  pointer: string;
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
}
