/** Types for eslint/oversized.js (plain JavaScript, loaded by eslint.config.js). */
export declare const oversized: {
  readonly files: readonly string[];
  readonly functionsIn: readonly string[];
};
