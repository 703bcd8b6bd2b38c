// Entry of the reference worker (reference.js; wrangler.jsonc). A module worker may export only
// handlers, so the constants reference.js shares with the golden generator live there.
import { referenceWorker } from "./reference.js";

export default referenceWorker;
