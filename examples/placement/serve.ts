/**
 * Serves the example app for a portal to frame: `index.html` at `/` (for GET, and for the POST a portal sends with
 * the user's token) and the bundled `app.js`. Prints the URL to give the emulator as `--app-url`.
 *
 *   pnpm tsx examples/placement/serve.ts          # PORT=5173 by default
 */
import { readFileSync } from "node:fs"
import * as Http from "node:http"
import { bundle, indexHtml } from "./bundle.js"

const port = Number(process.env.PORT ?? 5173)
const script = await bundle()
const page = readFileSync(indexHtml, "utf8")

const server = Http.createServer((request, response) => {
  const path = new URL(request.url ?? "/", "http://localhost").pathname
  // the portal POSTs its fields (AUTH_ID, PLACEMENT, …); this app reads them from the portal window instead
  request.resume()
  if (path === "/app.js") {
    response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(script)
  } else if (path === "/" && (request.method === "GET" || request.method === "POST")) {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page)
  } else {
    response.writeHead(404, { "content-type": "text/plain" }).end("Not found")
  }
})

server.listen(port, "127.0.0.1", () => {
  console.log(`The app is at http://localhost:${port}/ — start the emulator with --app-url http://localhost:${port}/`)
})
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.close(() => process.exit(0)))
