export declare const keyringPackage: string;
export declare const keyringPlatformPackages: Record<string, string>;
export declare function platformPackagesFor(platform: string, arch: string): string[];
export declare function checkNative(options: { root: string; platform: string; arch: string; host?: string }): string[];
export declare function beforePack(context: {
  electronPlatformName: string;
  arch: number | string;
  packager?: { projectDir?: string };
}): Promise<void>;
