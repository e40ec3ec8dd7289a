// Local ESLint plugin: the app's layers as allowlists (in the spirit of VS Code's
// `code-import-patterns`). Each layer names what it MAY import; anything else is an error,
// so a new dependency has to be added on purpose, where a reviewer sees it.
//
// Rule `layers/allowed-imports`, options: { root, layers: [Layer, ...] }
//
//   Layer = {
//     name:    'services',                      // used in messages
//     files:   ['main/services/**'],            // repo-relative globs (see matches() below)
//     ignores: ['renderer/vite.config.ts'],     // optional
//     allow:      { paths, packages, node },    // value (and type) imports
//     allowTypes: { paths, packages, node },    // type-only imports, on top of `allow`
//   }
//
// A file belongs to the first layer whose `files` match it; a file in no layer is not
// checked. A layer may always import its own files. Targets:
//   - relative or absolute specifiers resolve to a repo-relative path ('main/core/clock'),
//   - `node:x` and Node's built-in module names are 'node',
//   - anything else is a package, named by its first segment (or '@scope/name').
// Type-only means `import type`, `export type`, an import whose every specifier is inline
// `type`, `import x = require()` written `import type`, or a `typeof import('x')` type.
import { builtinModules } from 'node:module';
import path from 'node:path';

const nodeBuiltins = new Set(builtinModules);

/** 'a/b.ts' and 'a/b/index.tsx' both become 'a/b'; so do '.js' specifiers under TS's ESM rules. */
function modulePath(p) {
  return p
    .replace(/\.d\.[cm]?ts$/, '')
    .replace(/\.(?:[cm]?[jt]s|tsx|jsx)$/, '')
    .replace(/\/index$/, '');
}

/**
 * Globs, deliberately small: 'dir/**' is dir and everything under it, 'dir/*' is dir's own
 * files, '*.ts' at the root is a root file with that extension, anything else is one module
 * (with or without its extension, or its folder's index).
 */
function matches(glob, repoPath) {
  if (glob.endsWith('/**')) {
    const dir = glob.slice(0, -3);
    return repoPath === dir || repoPath.startsWith(`${dir}/`);
  }
  if (glob.endsWith('/*')) {
    const dir = glob.slice(0, -2);
    return repoPath.startsWith(`${dir}/`) && !repoPath.slice(dir.length + 1).includes('/');
  }
  if (glob.startsWith('*')) return !repoPath.includes('/') && repoPath.endsWith(glob.slice(1));
  return repoPath === glob || modulePath(repoPath) === modulePath(glob);
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const toPosix = (p) => p.split(path.sep).join('/');

/** What a specifier names: { kind: 'path', path } | { kind: 'node' } | { kind: 'package', name }. */
function classify(specifier, fileDir, root) {
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
    const rel = toPosix(path.relative(root, path.resolve(fileDir, specifier)));
    return { kind: 'path', path: rel, label: rel.startsWith('..') ? 'a file outside the repository' : rel };
  }
  if (specifier.startsWith('node:')) return { kind: 'node', label: 'Node built-ins' };
  const name = packageName(specifier);
  if (nodeBuiltins.has(specifier) || nodeBuiltins.has(name)) return { kind: 'node', label: 'Node built-ins' };
  return { kind: 'package', name, label: `the package '${name}'` };
}

function permits(allow, target) {
  if (!allow) return false;
  switch (target.kind) {
    case 'node':
      return allow.node === true;
    case 'package':
      return (allow.packages ?? []).includes(target.name);
    case 'path':
      return !target.path.startsWith('..') && (allow.paths ?? []).some((glob) => matches(glob, target.path));
  }
  return false;
}

function describe(allow) {
  if (!allow) return [];
  const out = [...(allow.paths ?? [])];
  if (allow.node) out.push('Node built-ins');
  out.push(...(allow.packages ?? []));
  return out;
}

/** "main/core/**, zod; types only: preload/contract" */
function summary(layer) {
  const values = [...layer.files.map((f) => `${f} (own files)`), ...describe(layer.allow)];
  const types = describe(layer.allowTypes);
  return `${values.join(', ')}${types.length ? `; with \`import type\` only: ${types.join(', ')}` : ''}`;
}

function layerOf(layers, repoPath) {
  return layers.find(
    (l) => l.files.some((g) => matches(g, repoPath)) && !(l.ignores ?? []).some((g) => matches(g, repoPath)),
  );
}

const allSpecifiersAreTypes = (specifiers, kindKey) =>
  specifiers.length > 0 && specifiers.every((s) => s[kindKey] === 'type');

const allowedImports = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'Each layer imports only what its allowlist names (the layers are the architecture; lint holds them).',
    },
    schema: [
      {
        type: 'object',
        properties: { root: { type: 'string' }, layers: { type: 'array' } },
        required: ['layers'],
        additionalProperties: false,
      },
    ],
    messages: {
      notAllowed: "{{layer}} may not import '{{specifier}}' ({{target}}). {{layer}} may import: {{allowed}}.",
      typesOnly:
        "{{layer}} may import '{{specifier}}' ({{target}}) for its types only: use `import type`. {{layer}} may import: {{allowed}}.",
      nonLiteral:
        '{{layer}} may not import a module whose name is computed at run time: the layer rules cannot check it. {{layer}} may import: {{allowed}}.',
    },
  },
  create(context) {
    const { layers, root = context.cwd } = context.options[0] ?? { layers: [] };
    const repoPath = toPosix(path.relative(root, context.filename));
    if (repoPath.startsWith('..') || path.isAbsolute(repoPath)) return {};
    const layer = layerOf(layers, repoPath);
    if (!layer) return {};
    const own = { paths: layer.files };
    const allowed = summary(layer);
    const fileDir = path.dirname(context.filename);

    function check(node, specifier, typeOnly) {
      const target = classify(specifier, fileDir, root);
      if (permits(own, target) || permits(layer.allow, target)) return;
      const data = { layer: layer.name, specifier, target: target.label, allowed };
      if (permits(layer.allowTypes, target)) {
        if (!typeOnly) context.report({ node, messageId: 'typesOnly', data });
        return;
      }
      context.report({ node, messageId: 'notAllowed', data });
    }

    /** The string a dynamic import or require() names, or null when it is computed. */
    function literal(arg) {
      if (arg?.type === 'Literal' && typeof arg.value === 'string') return arg.value;
      if (arg?.type === 'TemplateLiteral' && arg.expressions.length === 0) return arg.quasis[0].value.cooked;
      return null;
    }

    function checkDynamic(node, arg) {
      const specifier = literal(arg);
      if (specifier === null) context.report({ node, messageId: 'nonLiteral', data: { layer: layer.name, allowed } });
      else check(node, specifier, false);
    }

    return {
      ImportDeclaration(node) {
        check(
          node,
          node.source.value,
          node.importKind === 'type' || allSpecifiersAreTypes(node.specifiers, 'importKind'),
        );
      },
      ExportNamedDeclaration(node) {
        if (node.source)
          check(
            node,
            node.source.value,
            node.exportKind === 'type' || allSpecifiersAreTypes(node.specifiers, 'exportKind'),
          );
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value, node.exportKind === 'type');
      },
      TSImportEqualsDeclaration(node) {
        if (node.moduleReference.type !== 'TSExternalModuleReference') return;
        const specifier = literal(node.moduleReference.expression);
        if (specifier === null) checkDynamic(node, node.moduleReference.expression);
        else check(node, specifier, node.importKind === 'type');
      },
      // `typeof import('x')` / `import('x').T` in a type position: a type-only import.
      TSImportType(node) {
        const arg = node.source ?? node.argument;
        const lit = arg?.type === 'TSLiteralType' ? arg.literal : arg;
        if (lit?.type === 'Literal' && typeof lit.value === 'string') check(node, lit.value, true);
      },
      ImportExpression(node) {
        checkDynamic(node, node.source);
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') checkDynamic(node, node.arguments[0]);
      },
    };
  },
};

export default {
  meta: { name: 'layers' },
  rules: { 'allowed-imports': allowedImports },
};
