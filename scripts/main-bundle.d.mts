import type { BuildOptions } from 'esbuild';

export declare const mainExternals: string[];
export declare const mainBundleOptions: BuildOptions;
export declare function mainBundleOptionsFor(options: { readonly development: boolean }): BuildOptions;
