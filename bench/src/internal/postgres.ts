/**
 * A throwaway PostgreSQL server for the cluster benchmark: the same as `packages/sql/test/support/PostgresServer.ts`
 * (initdb in a temporary directory, a free loopback port, as the `postgres` user under root), which the bench cannot
 * import from a test folder.
 *
 * @since 0.1.0
 */
import { execFileSync, spawn, spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"

/** Where Debian's `postgresql` package puts the server binaries, newest version first. */
export const binDirectory = (): string | undefined => {
  const root = "/usr/lib/postgresql"
  if (!Fs.existsSync(root)) return undefined
  const versions = Fs.readdirSync(root)
    .filter((version) => Fs.existsSync(Path.join(root, version, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a))
  return versions.length === 0 ? undefined : Path.join(root, versions[0]!, "bin")
}

/** Why Postgres tests cannot run here, or `undefined` when they can. */
export const unavailableReason = (): string | undefined =>
  binDirectory() === undefined
    ? "no PostgreSQL server binary (Debian's postgresql package, /usr/lib/postgresql/*/bin/postgres) on this machine"
    : undefined

export interface Server {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres` */
  readonly url: string
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string
  /** Creates a new empty database and returns its URL. */
  readonly createDatabase: (name: string) => string
  readonly stop: () => void
}

const asRoot = typeof process.getuid === "function" && process.getuid() === 0

const run = (command: string, args: ReadonlyArray<string>) =>
  asRoot
    ? execFileSync("runuser", ["-u", "postgres", "--", command, ...args], { stdio: "pipe" })
    : execFileSync(command, args, { stdio: "pipe" })

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as Net.AddressInfo
      server.close(() => resolve(address.port))
    })
  })

const waitReady = async (bin: string, directory: string, port: number) => {
  for (let attempt = 0; attempt < 300; attempt++) {
    const ready = spawnSync(Path.join(bin, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port), "-t", "1"])
    if (ready.status === 0) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const log = Path.join(directory, "server.log")
  throw new Error(
    `PostgreSQL did not accept connections on 127.0.0.1:${port} within 30 s:\n${Fs.existsSync(log) ? Fs.readFileSync(log, "utf8") : ""}`
  )
}

/** Starts a server; throws with the server's own output when it cannot. */
export const start = async (): Promise<Server> => {
  const bin = binDirectory()
  if (bin === undefined) throw new Error(unavailableReason())
  const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "im-recent-postgres-"))
  const data = Path.join(directory, "data")
  const password = `pw-${globalThis.crypto.randomUUID()}`
  const passwordFile = Path.join(directory, "password")
  Fs.writeFileSync(passwordFile, password)
  if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", directory])
  Fs.chmodSync(directory, 0o700)
  run(Path.join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=scram-sha-256",
    `--pwfile=${passwordFile}`,
    "--encoding=UTF8",
    "--locale=C",
    "--no-sync"
  ])
  const port = await freePort()
  const args = [
    "-D",
    data,
    "-p",
    String(port),
    "-h",
    "127.0.0.1",
    "-k",
    directory,
    "-c",
    "fsync=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=200"
  ]
  const log = Fs.openSync(Path.join(directory, "server.log"), "a")
  if (asRoot)
    Fs.fchownSync(
      log,
      Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
      Number(execFileSync("id", ["-g", "postgres"]).toString().trim())
    )
  const child = asRoot
    ? spawn("runuser", ["-u", "postgres", "--", Path.join(bin, "postgres"), ...args], {
        stdio: ["ignore", log, log],
        detached: true
      })
    : spawn(Path.join(bin, "postgres"), args, { stdio: ["ignore", log, log], detached: true })
  child.unref()
  await waitReady(bin, directory, port)
  const url = (database: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`
  return {
    url: url("postgres"),
    host: "127.0.0.1",
    port,
    user: "postgres",
    password,
    createDatabase: (name) => {
      execFileSync(
        Path.join(bin, "psql"),
        [url("postgres"), "-v", "ON_ERROR_STOP=1", "-c", `CREATE DATABASE "${name}"`],
        { stdio: "pipe" }
      )
      return url(name)
    },
    stop: () => {
      try {
        run(Path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"])
      } catch {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL")
      }
      Fs.rmSync(directory, { recursive: true, force: true })
    }
  }
}
