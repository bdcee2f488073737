/**
 * The application's side, served by the test on its own loopback port: the page a portal frames at `/app/` (GET or
 * the portal's POST, whose fields are recorded), which loads the test app chosen by `PLACEMENT_OPTIONS.sdk`
 * (`ours`, `official`, or `example`: `examples/placement`), and a page with no app at `/foreign.html`.
 *
 * The same server is two origins: `http://localhost:<port>` (the app) and `http://127.0.0.1:<port>` (a foreign
 * origin, next to the portal's `http://127.0.0.1:<other port>`).
 */
import { readFileSync } from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import * as esbuild from "esbuild"
import * as Example from "../../../examples/placement/bundle.js"

/** The fields of one POST the portal sent to the app. */
export type Fields = Readonly<Record<string, string>>

export interface AppServer {
  /** `http://localhost:<port>`. */
  readonly origin: string
  /** `http://127.0.0.1:<port>`. */
  readonly foreignOrigin: string
  /** The app's URL for the emulator's `appUrl`. */
  readonly appUrl: string
  /** Every POST the portal sent to `/app/`, in order. */
  readonly posts: ReadonlyArray<Fields>
}

const bundleFile = (file: string) =>
  esbuild
    .build({
      entryPoints: [fileURLToPath(new URL(file, import.meta.url))],
      bundle: true,
      write: false,
      format: "esm",
      platform: "browser",
      target: "es2022",
      logLevel: "silent"
    })
    .then((result) => result.outputFiles[0].text)

const shell = (script: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>test app</title></head><body>loading<script type="module" src="${script}"></script></body></html>`

const readBody = (request: Http.IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let text = ""
    request.setEncoding("utf8")
    request.on("data", (chunk: string) => {
      text += chunk
    })
    request.on("end", () => resolve(text))
    request.on("error", reject)
  })

/** Bundles the pages and serves them until the scope closes. */
export const make = Effect.acquireRelease(
  Effect.promise(async () => {
    const [ours, official, example] = await Promise.all([
      bundleFile("../pages/ours.ts"),
      bundleFile("../pages/official.ts"),
      Example.bundle()
    ])
    const examplePage = readFileSync(Example.indexHtml, "utf8")
    const scripts: Record<string, string> = { "/ours.js": ours, "/official.js": official, "/app/app.js": example }
    const posts: Array<Fields> = []
    const server = Http.createServer((request, response) => {
      const path = new URL(request.url ?? "/", "http://localhost").pathname
      const script = scripts[path]
      if (script !== undefined) {
        response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(script)
        return
      }
      if (path === "/foreign.html") {
        response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>foreign</title>foreign")
        return
      }
      if (path !== "/app/") {
        response.writeHead(404).end()
        return
      }
      readBody(request).then((body) => {
        const fields = Object.fromEntries(new URLSearchParams(body))
        if (request.method === "POST") posts.push(fields)
        const options = JSON.parse(fields.PLACEMENT_OPTIONS ?? "{}") as { readonly sdk?: string }
        const page =
          options.sdk === "example" ? examplePage : shell(options.sdk === "official" ? "/official.js" : "/ours.js")
        response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    const app: AppServer = {
      origin: `http://localhost:${port}`,
      foreignOrigin: `http://127.0.0.1:${port}`,
      appUrl: `http://localhost:${port}/app/`,
      posts
    }
    return { server, app }
  }),
  ({ server }) =>
    Effect.promise(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        })
    )
).pipe(Effect.map(({ app }) => app))
