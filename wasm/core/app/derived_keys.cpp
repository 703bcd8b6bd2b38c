#include "app/derived_keys.hpp"

#include "app/responses.hpp"
#include "jsonrpc/message.hpp"

namespace app {

async::Task<base::Result<std::string, http::Response>> DerivedKeys::get(host::Host& host, const Config& config,
                                                                        std::string label) {
  if (auto it = cache_.find(label); it != cache_.end()) co_return it->second;
  if (config.cookie_encryption_key.empty())
    co_return base::Err{jsonrpc_http_error(500, jsonrpc::internal_error,
                                           "Server misconfigured: the COOKIE_ENCRYPTION_KEY secret is not set")};
  host::OpResult r = co_await host.perform_one(host::op_hmac_sha256(config.cookie_encryption_key, label));
  if (!r.ok() || r.bytes.size() != 32)
    co_return base::Err{jsonrpc_unavailable("Service temporarily unavailable: a host operation failed")};
  cache_[label] = r.bytes;
  co_return std::move(r.bytes);
}

}  // namespace app
