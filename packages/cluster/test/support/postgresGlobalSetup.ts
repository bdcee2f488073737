/**
 * vitest global setup: one throwaway PostgreSQL server for the whole run (see PostgresServer), its URL provided to
 * the tests as `postgresUrl` (`inject("postgresUrl")`), or `postgresUnavailable` with the reason when this machine has
 * no Postgres binary. Each test file creates its own database on it.
 */
import type { TestProject } from "vitest/node"
import * as PostgresServer from "./PostgresServer.js"

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string | undefined
    postgresUnavailable: string | undefined
  }
}

export default async function setup(project: TestProject) {
  const reason = PostgresServer.unavailableReason()
  if (reason !== undefined) {
    project.provide("postgresUrl", undefined)
    project.provide("postgresUnavailable", reason)
    return
  }
  const server = await PostgresServer.start()
  project.provide("postgresUrl", server.url)
  project.provide("postgresUnavailable", undefined)
  return () => server.stop()
}
