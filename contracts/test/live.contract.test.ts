import { Suite, Target } from "@im-recent/contracts"

// Runs only when BITRIX24_WEBHOOK_URL is set; otherwise the output says why it was skipped.
Suite.run(Target.live())
