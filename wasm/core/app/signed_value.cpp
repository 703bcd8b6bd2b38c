#include "app/signed_value.hpp"

#include "app/limits.hpp"
#include "app/responses.hpp"
#include "base/bytes.hpp"
#include "jsonrpc/message.hpp"

namespace app {

namespace {

http::Response unavailable() { return jsonrpc_unavailable("Service temporarily unavailable: a host operation failed"); }

}  // namespace

async::Task<base::Result<std::string, http::Response>> sign_value(host::Host& host, const Config& config,
                                                                  DerivedKeys& keys, const char* label,
                                                                  std::string payload) {
  auto key = co_await keys.get(host, config, label);
  if (!key) co_return base::Err{key.error()};
  host::OpResult mac = co_await host.perform_one(op_sign(std::move(*key), label, payload));
  auto text = signed_text(payload, mac);
  if (!text) co_return base::Err{unavailable()};
  co_return std::move(*text);
}

host::Operation op_sign(std::string key, const char* label, const std::string& payload) {
  return host::op_hmac_sha256(std::move(key), std::string(label) + payload);
}

std::optional<std::string> signed_text(const std::string& payload, const host::OpResult& mac) {
  if (!mac.ok()) return std::nullopt;
  return base::base64url_encode(payload) + "." + base::base64url_encode(mac.bytes);
}

async::Task<base::Result<std::optional<std::string>, http::Response>> open_signed(host::Host& host, const Config& config,
                                                                                  DerivedKeys& keys, const char* label,
                                                                                  std::string_view value) {
  const auto dot = value.find('.');
  if (dot == std::string_view::npos || value.size() > max_signed_value_length) co_return std::optional<std::string>();
  auto payload = base::base64url_decode(value.substr(0, dot));
  auto mac = base::base64url_decode(value.substr(dot + 1));
  if (!payload || !mac || mac->size() != 32) co_return std::optional<std::string>();
  auto key = co_await keys.get(host, config, label);
  if (!key) co_return base::Err{key.error()};
  host::OpResult expected = co_await host.perform_one(host::op_hmac_sha256(*key, std::string(label) + *payload));
  if (!expected.ok()) co_return base::Err{unavailable()};
  if (!base::constant_time_equal(expected.bytes, *mac)) co_return std::optional<std::string>();
  co_return std::optional<std::string>(std::move(*payload));
}

}  // namespace app
