// Outbound HTTP as an operation (OpKind::fetch): what the core may ask of the network.
//
// Contract:
// 1. `op_fetch` encodes the method and headers into the operation's `extra` (docs/boundary.md);
//    the URL is the key and the body the data.
// 2. The driver answers `decode_fetch_response`'s format, or `failed` when no response came
//    (network error, timeout); a response body is capped by the driver at `app::max_fetch_body_bytes`.
// 3. Secrets sent in a request (client secrets, tokens) live only in the operation: the driver
//    never logs operations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/limits.hpp"
#include "host/operation.hpp"
#include "http/message.hpp"

namespace host {


struct FetchRequest {
  std::string method = "GET";
  std::string url;
  std::vector<http::Header> headers;
  std::string body;
  std::uint32_t timeout_ms = app::fetch_timeout_ms;
};

struct FetchResponse {
  std::uint16_t status = 0;
  std::vector<http::Header> headers;  // names lowercase
  std::string body;
  const std::string* header(std::string_view lowercase_name) const {
    for (const auto& h : headers)
      if (h.first == lowercase_name) return &h.second;
    return nullptr;
  }
};

Operation op_fetch(const FetchRequest& request);
std::optional<FetchResponse> decode_fetch_response(std::string_view bytes);

// The driver's side (FakeHost, tests): what the shim does in JS.
std::optional<FetchRequest> decode_fetch_operation(const Operation& op);
std::string encode_fetch_response(const FetchResponse& response);

}  // namespace host
