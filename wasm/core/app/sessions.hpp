// Mcp-Session-Id issue, verification and ending, through the host (HMAC, random, KV).
//
// Contract:
// 1. `issue` draws 16 random bytes and signs the claims; any isolate can verify them.
// 2. `verify` (Streamable HTTP) refuses (404) a malformed id, a bad MAC (constant-time compare), an
//    id of the other transport, an id older than `session_max_age_seconds` or issued in the
//    future, an id bound to another principal, and an ended id (KV tombstone). The MAC and the
//    tombstone lookup run as one parallel batch.
// 2b. `verify_sse` (legacy SSE) checks the MAC, the transport and the principal only: whether the
//    session still exists is the mailbox's to say, when the reply is handed to it.
// 2c. A verified id is remembered by the isolate's AuthCache; within its time there `verify` only
//    re-checks age and principal (no HMAC, no tombstone read). `end` forgets it first.
// 3. `end` writes the tombstone until the id could no longer verify anyway (KV TTL >= 60 s).
// 4. Storage failure is 503, never a silent pass. No COOKIE_ENCRYPTION_KEY is 500 (fail closed).
// 5. The MAC key is DerivedKeys' "mcp-session-id/v1", cached per instance (one HMAC saved per request).
#pragma once

#include <optional>
#include <string>

#include "app/auth_cache.hpp"
#include "app/config.hpp"
#include "app/derived_keys.hpp"
#include "app/principal.hpp"
#include "app/request_context.hpp"
#include "async/task.hpp"
#include "base/result.hpp"
#include "host/host.hpp"
#include "http/message.hpp"
#include "mcp/session_id.hpp"

namespace app {

class Sessions {
 public:
  // `cache`: verified ids are reused for a while (app/auth_cache.hpp); nullptr checks every time.
  Sessions(const Config& config, DerivedKeys& keys, AuthCache* cache = nullptr)
      : config_(config), keys_(keys), cache_(cache) {}

  async::Task<base::Result<std::string, http::Response>> issue(host::Host& host, const RequestContext& ctx,
                                                               const Principal& who, mcp::SessionKind kind,
                                                               std::string protocol_version);
  async::Task<base::Result<mcp::SessionClaims, http::Response>> verify(host::Host& host, const RequestContext& ctx,
                                                                       const Principal& who, const std::string& id);
  async::Task<base::Result<mcp::SessionClaims, http::Response>> verify_sse(host::Host& host, const Principal& who,
                                                                           const std::string& id, std::int64_t now_ms);
  // Call after `verify` succeeded; `id` is the verified id (forgotten by the cache).
  async::Task<std::optional<http::Response>> end(host::Host& host, const RequestContext& ctx,
                                                 const mcp::SessionClaims& claims, const std::string& id);

 private:
  async::Task<base::Result<std::string, http::Response>> mac_key(host::Host& host) {
    return keys_.get(host, config_, key_labels::session_id);
  }
  static bool belongs_to(const mcp::SessionClaims& c, const Principal& who, mcp::SessionKind kind);

  const Config& config_;
  DerivedKeys& keys_;
  AuthCache* cache_;
};

}  // namespace app
