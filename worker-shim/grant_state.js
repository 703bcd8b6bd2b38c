// The point where "exactly once" holds across isolates for OAuth grants (DESIGN.md Rule 4):
// redeeming a code, rotating a refresh token and revoking swap the grant's state here; KV mirrors
// it in the reference layout. A thin compare-and-set over text; the OAuth rules stay in the C++
// core (wasm/core/oauth/grant_state.hpp). No wasm here.
//
// One object per user (named `grant:{userId}`), holding each of that user's grants under its grant
// id as {state, expiresAt}: a user signing in again reuses a warm object instead of creating one
// per grant. The core names a grant by its KV key `grant:{userId}:{grantId}` (neither part holds a
// colon: GitHub logins and base64url ids), which `grantState` splits.
import { DurableObject } from "cloudflare:workers";

export function grantState(env, key) {
  const at = key.lastIndexOf(":");
  const owner = key.slice(0, at), grant = key.slice(at + 1);
  const stub = env.OAUTH_GRANTS.get(env.OAUTH_GRANTS.idFromName(owner));
  return {
    read: () => stub.read(grant),
    swap: (expected, next, expiresAt) => stub.swap(grant, expected, next, expiresAt),
  };
}

export class GrantState extends DurableObject {
  async read(grant) {
    return (await this.ctx.storage.get(grant))?.state ?? null;
  }

  // Storage calls on one object never interleave with another request's (input gates), so the
  // read and the write below are atomic. The grant and the alarm are read together, and both
  // writes are made in one turn without awaiting: they coalesce into one transaction (one commit
  // instead of two; docs/performance.md "OAuth flow"), and the output gate holds the answer until
  // it is durable; if it fails, the caller gets an error, never `true`.
  async swap(grant, expected, next, expiresAt) {
    const [record, alarm] = await Promise.all([this.ctx.storage.get(grant), this.ctx.storage.getAlarm()]);
    const current = record?.state;
    if (expected !== null && current !== undefined && current !== expected) return false;
    this.ctx.storage.put(grant, { state: next, expiresAt });
    if (expiresAt > 0 && (alarm === null || expiresAt * 1000 < alarm)) this.ctx.storage.setAlarm(expiresAt * 1000);
    return true;
  }

  // Forgets every grant past its expiry (expiresAt 0: kept), then wakes again for the next one.
  async alarm() {
    const now = Date.now();
    let next = Infinity;
    const expired = [];
    for (const [grant, { expiresAt }] of await this.ctx.storage.list()) {
      if (expiresAt > 0 && expiresAt * 1000 <= now) expired.push(grant);
      else if (expiresAt > 0) next = Math.min(next, expiresAt * 1000);
    }
    for (let i = 0; i < expired.length; i += 128) await this.ctx.storage.delete(expired.slice(i, i + 128));
    if (next !== Infinity) await this.ctx.storage.setAlarm(next);
  }
}
