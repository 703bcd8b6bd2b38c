// Keys derived from COOKIE_ENCRYPTION_KEY, one per purpose, cached per instance.
//
// Contract:
// 1. key(label) = HMAC-SHA256(COOKIE_ENCRYPTION_KEY, label). Purposes never share a key, so a MAC
//    made for one (a session id) cannot be replayed as another (a consent cookie).
// 2. No COOKIE_ENCRYPTION_KEY: Err(500, naming the missing secret). Host failure: Err(503).
// 3. The cache is idempotent (same label, same key), so concurrent runs may fill it in any order.
#pragma once

#include <map>
#include <string>

#include "app/config.hpp"
#include "async/task.hpp"
#include "base/result.hpp"
#include "host/host.hpp"
#include "http/message.hpp"

namespace app {

namespace key_labels {
inline constexpr const char* session_id = "mcp-session-id/v1";
inline constexpr const char* consent_request = "mcp-oauth-consent-request/v1";
inline constexpr const char* approvals = "mcp-oauth-approvals/v1";
inline constexpr const char* github_state = "mcp-github-state/v1";
}  // namespace key_labels

class DerivedKeys {
 public:
  async::Task<base::Result<std::string, http::Response>> get(host::Host& host, const Config& config, std::string label);

 private:
  std::map<std::string, std::string> cache_;
};

}  // namespace app
