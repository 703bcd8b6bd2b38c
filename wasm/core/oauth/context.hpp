#pragma once

#include <string>

#include "app/auth_cache.hpp"
#include "app/config.hpp"
#include "app/derived_keys.hpp"
#include "app/request_context.hpp"

namespace oauth {

// What every authorization-server handler needs besides the request and the host.
struct OAuthContext {
  const app::Config& config;
  app::DerivedKeys& keys;
  std::string origin;  // the server's own origin, as the Host guard established it (the issuer)
  app::RequestContext request;
  app::AuthCache* cache = nullptr;  // the isolate's verified tokens (nullptr: none, as in unit tests)
  std::int64_t now_s() const { return request.now_ms / 1000; }
};

}  // namespace oauth
