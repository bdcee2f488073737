import * as Suite from "@im-recent/contracts/Suite"
import * as Target from "@im-recent/contracts/Target"

Suite.run(Target.emulator({ generator: { seed: 11, users: 40, chats: 30 } }))
Suite.run(Target.documentedEmulator("en"))
Suite.run(Target.documentedEmulator("ru"))
