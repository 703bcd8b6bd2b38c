// A per-isolate cache of verified access tokens and Streamable HTTP session ids, so that a request
// from a client already seen costs no host operation at all (no SHA-256, no KV get, no HMAC).
//
// Contract:
// 1. Only what passed the full check is remembered: the token record's principal, audience and
//    expiry (by the presented token), a session's claims (by its id). Nothing negative is cached.
// 2. An entry is used for at most `ttl_ms` (Config::auth_cache_seconds) after it was verified, and
//    never past the token's own expiry or the session's maximum age; callers check everything
//    that depends on the request (audience against the path, principal against the session).
// 3. Revocation in this isolate is immediate: `forget_grant` (oauth::revoke_grant calls it for
//    every revoked grant), `forget_token` (RFC 7009 for one access token), `forget_session`
//    (DELETE). Revocation elsewhere (another isolate, another worker version, scripts/grants
//    editing KV) is seen within `ttl_ms`: that is the cache's staleness, documented in
//    docs/security.md and docs/operations.md.
// 3b. A check that was in flight while something was forgotten stores nothing: callers take
//    `epoch()` before their KV reads and pass it to `remember_*`, which ignores a stale epoch. So a
//    request that read a token record just before it was deleted cannot cache it after.
// 4. Bounded: at most `max_entries` of each kind; when full, expired entries are dropped, and if
//    none were, the whole map (a cache miss only costs the KV read it saved).
// 5. `ttl_ms` 0: nothing is stored, every request is checked against KV.
// 6. A token's opened props (what a tool needed: oauth::open_props) may be kept with its entry, so
//    a repeated tool call does not unwrap and decrypt them again; they go when the entry goes
//    (expiry, forget_token, forget_grant, or the whole map when full) and never outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <map>
#include <optional>
#include <vector>

#include "json/json.hpp"

#include "app/limits.hpp"
#include "app/principal.hpp"
#include "mcp/session_id.hpp"

namespace app {

struct CachedToken {
  Principal who;  // `token` is left empty in the cache: the caller sets the presented one
  std::vector<std::string> audience;  // empty: bound to the server (no audience recorded)
  std::int64_t expires_at_ms = 0;     // the token's own expiry
  std::optional<json::Json> props;    // opened props, once a tool needed them (rule 6)
};

class AuthCache {
 public:
  static constexpr std::size_t max_entries = max_auth_cache_entries;

  explicit AuthCache(std::int64_t ttl_ms) : ttl_ms_(ttl_ms) {}

  std::uint64_t epoch() const { return epoch_; }

  const CachedToken* token(const std::string& token, std::int64_t now_ms);
  void remember_token(const std::string& token, CachedToken entry, std::int64_t now_ms, std::uint64_t epoch);
  void forget_token(const std::string& token);
  // Rule 6: the props of a token cached and unexpired at `now_ms`, if they were kept.
  const json::Json* props(const std::string& token, std::int64_t now_ms);
  // Keeps `props` with the token's entry (if it is still cached and nothing was forgotten since `epoch`).
  void remember_props(const std::string& token, json::Json props, std::uint64_t epoch);
  void forget_grant(std::string_view user_id, std::string_view grant_id);

  const mcp::SessionClaims* session(const std::string& id, std::int64_t now_ms);
  // `valid_until_ms`: when the id stops verifying anyway (its maximum age).
  void remember_session(const std::string& id, mcp::SessionClaims claims, std::int64_t now_ms,
                        std::int64_t valid_until_ms, std::uint64_t epoch);
  void forget_session(const std::string& id);

  std::size_t size() const { return tokens_.size() + sessions_.size(); }

 private:
  template <typename V>
  struct Entry {
    V value;
    std::int64_t until_ms = 0;
  };
  template <typename V>
  static void make_room(std::map<std::string, Entry<V>>& map, std::int64_t now_ms);

  std::int64_t ttl_ms_;
  std::uint64_t epoch_ = 0;
  std::map<std::string, Entry<CachedToken>> tokens_;
  std::map<std::string, Entry<mcp::SessionClaims>> sessions_;
};

}  // namespace app
