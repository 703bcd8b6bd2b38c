// Grant state changes that must happen once, serialised in the grant's Durable Object (DESIGN.md
// Rule 4: KV is eventually consistent and has no compare-and-set).
//
// Contract:
// 1. `read_grant` reads the grant's object and its KV record together (one parallel batch). When
//    the object holds nothing yet (a grant fresh from /callback, or written by
//    @cloudflare/workers-oauth-provider) the KV record is the state. A grant revoked in the object
//    reads as absent, whatever a stale KV mirror still says; so does a grant gone from KV (revoked
//    or expired by another writer, such as the TypeScript library during a migration).
//    `kv_record` keeps the KV view, so a caller can recognise a rotation another writer made.
//    A grant revoked in the object but still in KV is a revocation that stopped half way
//    (`cleanup_pending`): the caller finishes it with `revoke_grant` (oauth/store.hpp rule 3).
// 2. `swap_grant` replaces the state read by `read_grant` with `next` only if nobody changed it in
//    between; false means another request won (two redemptions of one code, two refreshes racing),
//    and the caller reads again or refuses. After a swap the caller mirrors `next` into KV.
// 3. `mark_revoked` makes the revocation final in the object before KV is cleaned up.
// 5. A KV mirror that failed after a swap is recorded in the object (`mark_mirror_pending`): until
//    the next swap, a grant missing from KV is not taken for revoked (the unredeemed grant's KV
//    record expires with its code, 10 minutes after sign-in, so without this a failed mirror at the
//    code exchange would end the grant then).
// 4. The object forgets the grant at its expiry (an alarm), so storage does not grow forever.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "async/task.hpp"
#include "host/host.hpp"
#include "json/json.hpp"
#include "oauth/token_crypto.hpp"

namespace oauth {

struct GrantSnapshot {
  std::optional<json::Json> record;  // nullopt: no such grant (never written, expired or revoked)
  std::string text;                  // the exact state read, the expectation of a later swap
  std::optional<json::Json> kv_record;  // the KV record when it differs from `record`
  bool cleanup_pending = false;         // revoked in the object, still in KV
};

async::Task<HostResult<GrantSnapshot>> read_grant(host::Host& host, const std::string& grant_key);
// `read_grant` in pieces, for a caller that batches the read with other operations: the
// operations (none when no grant can live under the key), then the snapshot from their two
// results (`results` points at them; nullptr when there were no operations).
std::vector<host::Operation> grant_read_ops(const std::string& grant_key);
HostResult<GrantSnapshot> grant_snapshot(host::OpResult* results);
async::Task<HostResult<bool>> swap_grant(host::Host& host, const std::string& grant_key, const GrantSnapshot& seen,
                                         const json::Json& next, std::int64_t expires_at);
// After `swap_grant(…, committed, …)` succeeded and the KV mirror of `committed` failed.
async::Task<bool> mark_mirror_pending(host::Host& host, const std::string& grant_key, const json::Json& committed,
                                      std::int64_t expires_at);
async::Task<HostResult<bool>> mark_revoked(host::Host& host, const std::string& grant_key, std::int64_t keep_until);

}  // namespace oauth
