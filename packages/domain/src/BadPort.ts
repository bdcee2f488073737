/**
 * The ports `fetch` refuses to connect to: the WHATWG Fetch standard's "bad port" list (§2.9 "Port blocking"), which
 * undici, and so Node's `fetch`, applies before any connection is made (`TypeError: fetch failed`, cause
 * `bad port`). A portal or an emulator on one of them cannot be reached by a client that uses `fetch`
 * (`FetchHttpClient`, browsers), whatever it answers.
 *
 * The list is the one undici 7.30 carries, and Node 20.20's `fetch` (undici 6.24) refuses exactly these ports.
 *
 * @since 0.1.0
 */

/**
 * The blocked ports, ascending.
 *
 * @since 0.1.0
 * @category constants
 */
export const ports: ReadonlyArray<number> = [
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
  111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
  540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
  6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080
]

const blocked: ReadonlySet<number> = new Set(ports)

/**
 * Whether `fetch` refuses to connect to `port`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isBad = (port: number): boolean => blocked.has(port)

/**
 * The port a URL connects to: its explicit port, or its scheme's default (80 for `http:`, 443 for `https:`, …);
 * `undefined` when the URL does not parse or its scheme has no default.
 *
 * @since 0.1.0
 * @category getters
 */
export const portOf = (url: string | URL): number | undefined => {
  let parsed: URL
  try {
    parsed = typeof url === "string" ? new URL(url) : url
  } catch {
    return undefined
  }
  if (parsed.port !== "") return Number(parsed.port)
  const defaults: Readonly<Record<string, number>> = { "http:": 80, "https:": 443, "ws:": 80, "wss:": 443 }
  return defaults[parsed.protocol]
}

/**
 * Why a client using `fetch` cannot reach `port`, as one sentence naming it; `undefined` for a port it can reach.
 *
 * @since 0.1.0
 * @category utils
 */
export const reason = (port: number): string | undefined =>
  isBad(port)
    ? `port ${port} is on the Fetch standard's list of blocked ports: clients using fetch (Node's fetch, browsers) refuse to connect to it`
    : undefined
