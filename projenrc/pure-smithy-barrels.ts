/**
 * An esbuild plugin for the handler's bundle (BENCHMARKS.md, handler cost): the
 * @smithy/core barrels the client imports through
 * (`@smithy/core/retry`, `@smithy/core/serde`) build exports with factory calls
 * at module scope, e.g. `export const retryMiddleware = bindRetryMiddleware(...)`.
 * esbuild cannot prove a call free of side effects, so it keeps each call and
 * everything it reaches although the handler uses none of it. These factories
 * only create functions and classes; annotating them pure lets esbuild drop them
 * (about 10 kB). The runner, integration and demo tests run the bundle built so.
 */
import * as fs from 'fs';
import type { Plugin } from 'esbuild';

const BARRELS = /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/](retry|serde)[\\/]index\.js$/;

export const pureSmithyBarrels: Plugin = {
  name: 'pure-smithy-barrels',
  setup(build) {
    build.onLoad({ filter: BARRELS }, async args => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      return { contents: source.replace(/(=|extends) (bind\w+)\(/g, '$1 /* @__PURE__ */ $2('), loader: 'js' };
    });
  },
};
