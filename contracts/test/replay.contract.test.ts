import * as Suite from "@im-recent/contracts/Suite"
import * as Target from "@im-recent/contracts/Target"

// msw patches the global fetch: these targets run in their own file, one after the other.
Suite.run(Target.replay("en"))
Suite.run(Target.replay("ru"))
