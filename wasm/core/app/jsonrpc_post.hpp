// Reading and dispatching a POSTed JSON-RPC body: shared by POST /mcp and POST /sse/message.
//
// Contract:
// 1. `read_jsonrpc_post` applies the transport-independent HTTP rules in this order: 413 body over
//    the limit, 415 Content-Type not application/json, 406 an Accept that excludes JSON, 400 an
//    unsupported MCP-Protocol-Version, 400 -32700 unparsable JSON (depth, range, UTF-8), 400 an
//    empty or oversized batch, 400 initialize inside a batch.
// 2. `batch_refusal` says whether the batch is allowed under the version the request is read
//    under: the MCP-Protocol-Version header's, or 2025-03-26 without one (MCP 2025-06-18
//    basic/transports §protocol version header).
// 3. `dispatch` runs every message through the MCP server in order. A single invalid message is a
//    400 with its -32600; in a batch it is answered in place.
// 4. `dispatch` names the outcome for the request log: rpc is the method ("batch", or "other" for
//    a method the server does not know), tool the called tool's name when it looks like one, and
//    reason the first JSON-RPC error's code name, else "tool_error" when a tool result is an
//    error, else empty (ok).
#pragma once

#include <optional>
#include <string>

#include "app/principal.hpp"
#include "async/task.hpp"
#include "base/result.hpp"
#include "host/host.hpp"
#include "http/message.hpp"
#include "json/json.hpp"
#include "mcp/server.hpp"

namespace app {

struct JsonRpcPost {
  json::Json body;
  bool batch = false;
  bool is_initialize = false;               // a single initialize request
  const std::string* version_header = nullptr;  // points into the request
};

struct Dispatched {
  json::Json replies = json::Json::array();   // responses, in order (notifications have none)
  std::optional<std::string> initialized;     // the negotiated version, when initialize succeeded
  http::Outcome outcome;                      // rpc, tool and reason for the request log
};

base::Result<JsonRpcPost, http::Response> read_jsonrpc_post(const http::Request& request);
std::optional<http::Response> batch_refusal(const JsonRpcPost& post);
async::Task<base::Result<Dispatched, http::Response>> dispatch(const mcp::Server& server, const JsonRpcPost& post,
                                                                host::Host& host, const Principal& caller,
                                                                std::int64_t now_ms);

http::Response bad_request(std::string message, int code);

}  // namespace app
