import * as Suite from "@im-recent/contracts/Suite"
import * as Target from "@im-recent/contracts/Target"

// Runs only when BITRIX24_WEBHOOK_URL is set; otherwise the output says why it was skipped.
Suite.run(Target.live())
