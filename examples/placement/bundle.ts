/**
 * The example app bundled for the browser with esbuild: one ES module, everything it imports included (Effect, the
 * client, the domain schemas). `serve.ts` serves it; the browser tests and `bench/src/bundle-size.ts` use it too.
 */
import { fileURLToPath } from "node:url"
import * as esbuild from "esbuild"

/** The app's entry point. */
export const entry = fileURLToPath(new URL("./app.ts", import.meta.url))

/** The page that loads the bundle as `app.js`. */
export const indexHtml = fileURLToPath(new URL("./index.html", import.meta.url))

/** The bundle's JavaScript; `minify` for production. */
export const bundle = async (options: { readonly minify?: boolean } = {}): Promise<string> => {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: options.minify ?? false,
    legalComments: "none",
    logLevel: "silent"
  })
  return result.outputFiles[0].text
}
