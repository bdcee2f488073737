/**
 * Opens the database named by argv[2] with `Database.layer` and prints one JSON line: `{"ok":true}` or the
 * `DatabaseError`'s fields. Run as a child process (as another user, to test file permissions under root).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Database } from "../../src/index.js"

const exit = await Effect.runPromiseExit(Effect.scoped(Layer.build(Database.layer(process.argv[2]!))))
process.stdout.write(
  `${JSON.stringify(exit._tag === "Success" ? { ok: true } : { ok: false, error: JSON.parse(JSON.stringify(exit.cause)) })}\n`
)
