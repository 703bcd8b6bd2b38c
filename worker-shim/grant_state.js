// One Durable Object per grant: the point where "exactly once" holds across isolates (DESIGN.md
// Rule 4). Redeeming a code, rotating a refresh token and revoking swap the grant's state here;
// KV mirrors it in the reference layout. A thin compare-and-set over text; the OAuth rules stay in
// the C++ core (wasm/core/oauth/grant_state.hpp). No wasm here.
import { DurableObject } from "cloudflare:workers";

export function grantState(env, key) {
  return env.OAUTH_GRANTS.get(env.OAUTH_GRANTS.idFromName(key));
}

export class GrantState extends DurableObject {
  async read() {
    return (await this.ctx.storage.get("state")) ?? null;
  }

  // Storage calls on one object never interleave with another request's (input gates), so the
  // read and the write below are atomic.
  async swap(expected, next, expiresAt) {
    const current = await this.ctx.storage.get("state");
    if (expected !== null && current !== undefined && current !== expected) return false;
    await this.ctx.storage.put("state", next);
    if (expiresAt > 0) await this.ctx.storage.setAlarm(expiresAt * 1000);
    return true;
  }

  async alarm() {
    await this.ctx.storage.deleteAll();
  }
}
