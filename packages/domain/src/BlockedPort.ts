/**
 * The ports `fetch` refuses to connect to: the WHATWG Fetch standard's "bad ports" (§ "block bad port"), ports of
 * other protocols (SMTP 25, IRC 6665–6669, X11 6000, …) that browsers and Node's `fetch` block whatever the host, so
 * a web page cannot talk to those services. Node's `fetch` fails on them with a bare `bad port`; other HTTP clients
 * (`node:http`, undici's `request`) reach them.
 *
 * @since 0.1.0
 */

/**
 * The blocked ports, as the standard lists them (the list Node's `fetch` applies).
 *
 * @since 0.1.0
 * @category constants
 */
export const ports: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
  111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
  540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
  6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080
])

/**
 * Whether `fetch` refuses this port.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isBlocked = (port: number): boolean => ports.has(port)

/**
 * The port of an `http:`/`https:` URL when `fetch` refuses it (the scheme's default port never is).
 *
 * @since 0.1.0
 * @category predicates
 */
export const blockedPortOf = (url: string | URL): number | undefined => {
  let parsed: URL
  try {
    parsed = typeof url === "string" ? new URL(url) : url
  } catch {
    return undefined
  }
  const port = parsed.port === "" ? undefined : Number(parsed.port)
  return port !== undefined && isBlocked(port) ? port : undefined
}

/**
 * Why a port cannot be used with `fetch`, in one sentence that names it.
 *
 * @since 0.1.0
 * @category utils
 */
export const explain = (port: number): string =>
  `port ${port} is one of the Fetch standard's "bad ports", which browsers and Node's fetch refuse to connect to; use another port`
