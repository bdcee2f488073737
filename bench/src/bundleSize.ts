/**
 * The size a browser downloads for an app inside a portal page that lists the user's recent chats: the example app
 * (`examples/placement/app.ts`: `ImRecent`, `Frame.layer`, `FetchHttpClient`, the list rendered in the DOM), bundled
 * for the browser by esbuild, minified, then gzipped (level 9). Beside it, measured the same way in the same run, the
 * same app on the official SDK (`initializeB24Frame` and one `im.recent.get` through `actions.v2.call.make`).
 *
 *   pnpm --filter @im-recent/bench bundle-size
 */
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import * as esbuild from "esbuild"
import * as Example from "../../examples/placement/bundle.js"

const officialApp = `
import { initializeB24Frame } from "@bitrix24/b24jssdk"
const root = document.getElementById("app")
const b24 = await initializeB24Frame()
const answer = await b24.actions.v2.call.make({ method: "im.recent.get", params: {} })
if (!answer.isSuccess) throw new Error(answer.getErrorMessages().join("; "))
const list = document.createElement("ol")
for (const item of answer.getData().result) {
  const line = document.createElement("li")
  line.textContent = item.title + " " + item.message.text
  list.append(line)
}
root.replaceChildren(list)
await b24.parent.setTitle("Recent chats")
`

const official = async (): Promise<string> => {
  const result = await esbuild.build({
    stdin: { contents: officialApp, resolveDir: fileURLToPath(new URL("..", import.meta.url)), loader: "js" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "silent"
  })
  return result.outputFiles[0].text
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`

const rows = [
  ["ImRecent + Frame.layer + FetchHttpClient (examples/placement)", await Example.bundle({ minify: true })],
  ["B24Frame + actions.v2.call.make (@bitrix24/b24jssdk 2.2.0)", await official()]
] as const

console.log("| app | minified | gzipped |")
console.log("|---|---|---|")
for (const [name, code] of rows) {
  const bytes = Buffer.byteLength(code)
  console.log(`| ${name} | ${kib(bytes)} | ${kib(gzipSync(code, { level: 9 }).length)} |`)
}
