// Building HTTP responses the same way everywhere.
#pragma once

#include <cstdint>
#include <string>

#include "http/message.hpp"
#include "json/json.hpp"

namespace app {

http::Response json_response(std::uint16_t status, const json::Json& body);
// An HTTP error whose body is a JSON-RPC error with id null (MCP transports answer this way).
http::Response jsonrpc_http_error(std::uint16_t status, int code, std::string message);
http::Response text_response(std::uint16_t status, std::string body);
// DESIGN Rule 3, channel 4: a host operation failed. 503 with Retry-After (limits.hpp
// retry_after_seconds), the body a JSON-RPC error (-32603) saying what did not answer.
http::Response jsonrpc_unavailable(std::string message);

}  // namespace app
