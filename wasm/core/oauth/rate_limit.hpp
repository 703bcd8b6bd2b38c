// Rate limits on the endpoints anyone can call without a token: /register and /token (the Workers
// rate-limiting binding, configured in wrangler.jsonc `ratelimits`).
//
// Contract:
// 1. The limiter key is the client's address (`cf-connecting-ip`, which Cloudflare sets; "local"
//    when absent, as under a bare workerd).
// 2. Over the limit: 429 temporarily_unavailable with Retry-After (as workers-oauth-provider answers
//    a KV rate limit), no-store. Nothing else runs for that request.
// 3. A deployment without the binding is not limited (the binding is part of wrangler.jsonc; its
//    absence is a configuration choice); a failing limiter does not block sign-in either.
#pragma once

#include <optional>

#include "async/task.hpp"
#include "host/host.hpp"
#include "http/message.hpp"

namespace oauth {

inline constexpr const char* register_limiter = "REGISTER_RATE_LIMITER";
inline constexpr const char* token_limiter = "TOKEN_RATE_LIMITER";

// nullopt when the request may go on; the 429 otherwise.
async::Task<std::optional<http::Response>> check_rate_limit(const http::Request& request, host::Host& host,
                                                            const char* binding);

}  // namespace oauth
