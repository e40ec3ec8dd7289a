import type { Plugin } from 'esbuild';

export declare const dateFnsFunctions: readonly string[];
export declare const dateFnsSubset: Plugin;
