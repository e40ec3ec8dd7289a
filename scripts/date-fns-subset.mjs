// pino-roll (the audit log's rotation) does `require('date-fns')` for five functions, and a
// CommonJS require of the package index pulls all ~300 date-fns modules into the main bundle:
// about 2.5 MB more resident memory in the main process. This esbuild plugin hands pino-roll a
// module with just the functions it uses, each from its own date-fns entry point.
// test/services/log-bundle.test.ts fails if pino-roll starts using a function not listed here.

/** The date-fns functions pino-roll 4 takes from the package index. */
export const dateFnsFunctions = ['format', 'addDays', 'addHours', 'parse', 'isValid'];

export const dateFnsSubset = {
  name: 'date-fns-subset',
  setup(build) {
    build.onResolve({ filter: /^date-fns$/ }, (args) => ({
      path: 'date-fns',
      namespace: 'date-fns-subset',
      pluginData: args.resolveDir,
    }));
    build.onLoad({ filter: /.*/, namespace: 'date-fns-subset' }, (args) => ({
      resolveDir: args.pluginData,
      loader: 'js',
      contents: `module.exports = { ${dateFnsFunctions.map((f) => `${f}: require('date-fns/${f}').${f}`).join(', ')} };`,
    }));
  },
};
