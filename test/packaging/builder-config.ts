/**
 * Reads electron-builder.yml the way `electron-builder --config electron-builder.yml` does, with
 * electron-builder's own loader and schema validator (app-builder-lib, the installed version), so
 * a key electron-builder would refuse fails here too, on machines that cannot build installers.
 */
import path from 'node:path';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { getConfig as readConfigFile } from 'app-builder-lib/out/util/config/load.js';
import { DebugLogger } from 'builder-util';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const configFile = 'electron-builder.yml';

/** The file exactly as written (no merging, no defaults): what the settings tests assert on. */
export async function readRawConfig(): Promise<Configuration> {
  const read = await readConfigFile<Configuration>(
    { packageKey: 'build', configFilename: 'electron-builder', projectDir: repoRoot, packageMetadata: null },
    configFile,
  );
  if (read === null) throw new Error(`${configFile} was not found at the repository root.`);
  return read.result;
}

/** The configuration as electron-builder builds it before validating (parents merged, files normalised). */
export function loadEffectiveConfig(): Promise<Configuration> {
  return getConfig(repoRoot, configFile, null);
}

/**
 * electron-builder's own check: throws its "Invalid configuration object" error for an unknown key
 * or a wrong type. It coerces types in place, so pass a copy you do not assert on afterwards.
 */
export function validateLikeElectronBuilder(config: Configuration): Promise<void> {
  return validateConfiguration(config, new DebugLogger(false));
}
