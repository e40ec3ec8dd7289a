// Types for assets/make-icons.mjs, for the packaging test that checks the committed icons.
export declare const icoSizes: readonly number[];
export declare function svg(): string;
export declare function png(size: number): Buffer;
export declare function ico(): Buffer;
