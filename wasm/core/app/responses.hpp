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

}  // namespace app
