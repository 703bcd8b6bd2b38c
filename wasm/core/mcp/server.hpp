// The MCP server: one JSON-RPC message in, at most one response out.
//
// Contract:
// 1. Methods: initialize, ping, tools/list, tools/call, logging/setLevel, notifications/* (MCP
//    2025-06-18 basic, server/tools, server/utilities/logging). Anything else -> -32601.
//    Capabilities: tools, and logging: setLevel accepts the eight RFC 5424 levels (-32602 for
//    anything else) and changes nothing, since the server sends no log notifications (its log is
//    the operator's request log, docs/operations.md).
// 2. Notifications and client responses never produce a response.
// 3. tools/call: unknown tool -> -32602; arguments failing the input schema -> a tool result with
//    isError: true naming what is wrong; a tool that ran and failed -> its own isError result.
// 4. The transport decides sessions, batching and status codes; this file knows none of them.
#pragma once

#include <optional>
#include <string>

#include "app/config.hpp"
#include "app/principal.hpp"
#include "async/task.hpp"
#include "host/host.hpp"
#include "json/json.hpp"
#include "jsonrpc/message.hpp"
#include "tools/registry.hpp"

namespace mcp {

using json::Json;

struct ServerInfo {
  std::string name = "remote-mcp-github-oauth-cpp";
  std::string version = "0.1.0";
  std::string instructions;
};

class Server {
 public:
  // `cache`: the isolate's AuthCache, handed to tools (nullptr in unit tests).
  Server(ServerInfo info, const tools::ToolRegistry& tools, const app::Config& config, app::AuthCache* cache = nullptr)
      : info_(std::move(info)), tools_(tools), config_(config), cache_(cache) {}

  // The negotiated version an initialize request asks for (for the transport's session), or
  // nullopt when the message is not a well-formed initialize request.
  static std::optional<std::string> requested_version(const jsonrpc::Message& m);

  // `caller` is the principal the bearer gate established; tools receive it. A failed tool call
  // names its failure in `*log_reason` when given ("invalid_arguments", the tool's own reason).
  async::Task<std::optional<Json>> handle(const jsonrpc::Message& message, host::Host& host,
                                          const app::Principal& caller, std::int64_t now_ms,
                                          std::string* log_reason = nullptr) const;

 private:
  Json initialize_result(const jsonrpc::Message& m) const;
  async::Task<Json> call_tool(const jsonrpc::Message& m, host::Host& host, const app::Principal& caller,
                              std::int64_t now_ms, std::string* log_reason) const;

  ServerInfo info_;
  const tools::ToolRegistry& tools_;
  const app::Config& config_;
  app::AuthCache* cache_;
};

}  // namespace mcp
