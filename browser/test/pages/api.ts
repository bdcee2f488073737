/**
 * What the test app pages put on `window.app` for the tests to drive them (through Playwright's `evaluate`).
 */

/** A log line of the SDK under test. */
export interface LogLine {
  readonly level: string
  readonly message: string
  readonly context: Readonly<Record<string, unknown>>
}

export interface AppApi {
  /** The SDK connected to the portal: the placement it was opened from and its options. */
  readonly ready: Promise<{ readonly placement: string; readonly options: Readonly<Record<string, unknown>> }>
  /** `im.recent.get` through the SDK: the items' ids. */
  readonly list: () => Promise<ReadonlyArray<string>>
  /** Sends a command the portal does not answer; its outcome lands in `held[command]`. */
  readonly hold: (command: string) => void
  readonly held: Record<string, unknown>
  /** The SDK's log lines (the callback key of a command is in a debug line). */
  readonly logs: ReadonlyArray<LogLine>
  /** Our transport only: sends a command and waits for the portal's answer (10 s at most). */
  readonly command?: (name: string, params?: Readonly<Record<string, unknown>>) => Promise<unknown>
  /** Our transport only: the options of the start data. */
  readonly options?: () => Promise<{
    readonly app: Readonly<Record<string, unknown>>
    readonly user: Readonly<Record<string, unknown>>
  }>
}

declare global {
  interface Window {
    app: AppApi
  }
}
