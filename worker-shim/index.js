// The Worker's entry: every request goes to the C++ core (DESIGN.md Rule 2: no protocol here).
import { runRequest } from "./run_request.js";

export { GrantState } from "./grant_state.js";
export { McpMailbox } from "./sse_session.js";

export default {
  fetch(request, env) {
    return runRequest(request, env);
  },
};
