// esbuild plugins of the Lambda bundles (serverless.yml, custom.esbuild.plugins; serverless-esbuild
// loads this file with require(), which Node ≥ 20.19 allows for ES modules). Both only drop code
// that never runs in Lambda, to shorten the step function's cold start (docs/architecture.md,
// "Cold start"); neither changes what the code that stays does. A third builds the status page.

/** A module file of client-node itself (not of its generated API under dist/gen/). */
const clientNodeModule = /[\\/]node_modules[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/][^\\/]+\.js$/;

/**
 * client-node's index re-exports every feature (exec, attach, cp, port-forward, watch, informers,
 * metrics…), and those modules import `ws` and `tar-fs` at top level. Its package.json does not
 * declare them free of side effects, so esbuild keeps them — and evaluates `ws`, `tar-fs`,
 * `tar-stream` and `streamx` on load — even when nothing of theirs is used. They are plain
 * declarations (classes, functions, constants), so marking them side-effect-free lets esbuild keep
 * only what our code reaches: the KubeConfig with its auth providers and the typed APIs.
 */
const clientNodeSideEffectFree = {
  name: 'client-node-side-effect-free',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === clientNodeModule || !clientNodeModule.test(args.importer)) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: clientNodeModule,
      });
      if (resolved.errors.length > 0 || !clientNodeModule.test(resolved.path)) return resolved;
      return { ...resolved, sideEffects: false };
    });
  },
};

/**
 * node-fetch 2 (client-node's HTTP client) takes its URL class as `Url.URL || whatwgUrl.URL`:
 * `whatwg-url` only where Node has no `URL`, which every Node we run on has. Bundled, that dead
 * branch costs 290 kB (whatwg-url and tr46's Unicode tables), parsed and evaluated on every cold
 * start. node-fetch gets Node's own URL instead; any other importer still gets the real package.
 */
const nodeUrlForNodeFetch = {
  name: 'node-url-for-node-fetch',
  setup(build) {
    build.onResolve({ filter: /^whatwg-url$/ }, (args) =>
      /[\\/]node_modules[\\/]node-fetch[\\/]/.test(args.importer)
        ? { path: 'whatwg-url', namespace: 'node-url' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'node-url' }, () => ({
      contents: 'export const URL = globalThis.URL;\nexport default { URL };\n',
      loader: 'js',
    }));
  },
};

/**
 * The status page (ui/build.mjs) is built when the api function is: serverless-esbuild copies the
 * function's package.patterns (ui/dist/**) into the zip after bundling, so the api zip always holds
 * the page of the sources it was packaged from.
 */
const statusPage = {
  name: 'status-page',
  setup(build) {
    if (!JSON.stringify(build.initialOptions.entryPoints ?? '').includes('functions/api/handler')) return;
    build.onStart(async () => {
      const { buildUi } = await import('../../ui/build.mjs');
      await buildUi();
    });
  },
};

export default [clientNodeSideEffectFree, nodeUrlForNodeFetch, statusPage];
