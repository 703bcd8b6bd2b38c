#include "oauth/rate_limit.hpp"

#include "app/limits.hpp"

#include "oauth/responses.hpp"

namespace oauth {

async::Task<std::optional<http::Response>> check_rate_limit(const http::Request& request, host::Host& host,
                                                            const char* binding) {
  const std::string* ip = request.header("cf-connecting-ip");
  const std::string key = ip ? *ip : std::string("local");  // a named local: see docs/architecture.md, toolchain notes
  host::OpResult r = co_await host.perform_one(host::op_rate_limit(binding, key));
  if (!r.ok() || r.bytes != "0") co_return std::nullopt;
  http::Response limited = json_error(429, "temporarily_unavailable", "Too many requests; retry shortly");
  limited.outcome.reason = "rate_limited";
  limited.set("retry-after", std::to_string(app::rate_limited_retry_after_seconds));
  co_return limited;
}

}  // namespace oauth
