import { Suite, Target } from "@im-recent/contracts"

Suite.run(Target.emulator({ generator: { seed: 11, users: 40, chats: 30 } }))
Suite.run(Target.documentedEmulator("en"))
Suite.run(Target.documentedEmulator("ru"))
