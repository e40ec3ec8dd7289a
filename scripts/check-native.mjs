#!/usr/bin/env node
// Stops a package build that would ship without the credential store's native code.
//
// @napi-rs/keyring is JavaScript that loads a per-platform package (on Windows x64
// @napi-rs/keyring-win32-x64-msvc, a .node file). npm installs only the platform package of the
// machine it runs on, and electron-builder packages what is in node_modules, noting a missing
// platform package only as a remark in its log. An MSI built on Linux or macOS would therefore
// install, start, and keep every draft in memory only (the credential store "unavailable") on
// every ward PC. This check turns that into a failed build with a sentence saying what to do.
//
//   node scripts/check-native.mjs --platform win32 --arch x64    (npm run package:win runs this)
//
// electron-builder.yml also names this file as its `beforePack` hook, so every platform and arch
// electron-builder packs is checked, however it was started. docs/deploy.md, "Building the MSI".
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const keyringPackage = '@napi-rs/keyring';

/** The platform package @napi-rs/keyring loads for each platform and arch the shell is packaged for. */
export const keyringPlatformPackages = {
  'win32-x64': '@napi-rs/keyring-win32-x64-msvc',
  'win32-arm64': '@napi-rs/keyring-win32-arm64-msvc',
  'win32-ia32': '@napi-rs/keyring-win32-ia32-msvc',
  'linux-x64': '@napi-rs/keyring-linux-x64-gnu',
  'linux-arm64': '@napi-rs/keyring-linux-arm64-gnu',
  'linux-armv7l': '@napi-rs/keyring-linux-arm-gnueabihf',
  'darwin-x64': '@napi-rs/keyring-darwin-x64',
  'darwin-arm64': '@napi-rs/keyring-darwin-arm64',
};

/** The packages a target needs: a macOS universal app carries both Mac builds. */
export function platformPackagesFor(platform, arch) {
  if (platform === 'darwin' && arch === 'universal')
    return [keyringPlatformPackages['darwin-x64'], keyringPlatformPackages['darwin-arm64']];
  const name = keyringPlatformPackages[`${platform}-${arch}`];
  return name === undefined ? [] : [name];
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * What is wrong with node_modules under `root` for packaging the shell for `platform`/`arch`
 * (Node's names: win32, x64). An empty list means the native code is there.
 */
export function checkNative({ root, platform, arch, host = `${process.platform}-${process.arch}` }) {
  const modules = path.join(root, 'node_modules');
  const keyring = readJson(path.join(modules, keyringPackage, 'package.json'));
  if (keyring === null) return [`${keyringPackage} is not installed in ${modules}: run npm ci first.`];
  const wanted = platformPackagesFor(platform, arch);
  if (wanted.length === 0)
    return [
      `The shell is not packaged for ${platform}-${arch}: ${keyringPackage} has no native build the shell knows for it.`,
    ];
  const problems = [];
  for (const name of wanted) {
    const declared = keyring.optionalDependencies?.[name];
    if (declared === undefined) {
      problems.push(
        `${keyringPackage} ${keyring.version} no longer lists ${name} among its optional dependencies; update scripts/check-native.mjs to the package it now loads on ${platform}-${arch}.`,
      );
      continue;
    }
    const dir = path.join(modules, name);
    const pkg = readJson(path.join(dir, 'package.json'));
    if (pkg === null) {
      problems.push(
        `A ${platform}-${arch} package of the shell would ship without the credential store's native code, so every PC it is installed on would keep drafts in memory only: ${name} is not in node_modules. ` +
          `npm installs only the platform package of the machine it runs on (this is ${host}). ` +
          `Build it on ${platform}-${arch}, or install that package first (npm install --os=${platform} --cpu=${arch}); see docs/deploy.md, "Building the MSI".`,
      );
      continue;
    }
    if (pkg.version !== declared)
      problems.push(
        `${name} is version ${pkg.version}, but ${keyringPackage} ${keyring.version} loads version ${declared}: run npm ci, then install the platform package again.`,
      );
    const binary = typeof pkg.main === 'string' ? path.join(dir, pkg.main) : null;
    if (binary === null || !binary.endsWith('.node') || !existsSync(binary))
      problems.push(`${name} has no native module (.node file) in ${dir}: reinstall it.`);
  }
  return problems;
}

/** electron-builder's Arch enum (builder-util), by number. */
const builderArchs = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** electron-builder `beforePack` hook (electron-builder.yml): the same check for the platform and arch being packed. */
export async function beforePack(context) {
  const arch = typeof context.arch === 'number' ? builderArchs[context.arch] : String(context.arch);
  const problems = checkNative({
    root: context.packager?.projectDir ?? process.cwd(),
    platform: context.electronPlatformName,
    arch,
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

function option(args, name, fallback) {
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return fallback;
  const arg = args[at];
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[at + 1];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const root = path.resolve(option(args, 'root', path.join(path.dirname(fileURLToPath(import.meta.url)), '..')));
  const platform = option(args, 'platform', 'win32');
  const arch = option(args, 'arch', 'x64');
  const problems = checkNative({ root, platform, arch });
  if (problems.length > 0) {
    for (const problem of problems) console.error(`check-native: ${problem}`);
    process.exit(1);
  }
  console.log(
    `check-native: ${platformPackagesFor(platform, arch).join(', ')} is installed; the ${platform}-${arch} package will carry the credential store's native code.`,
  );
}
