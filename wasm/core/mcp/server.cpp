#include "mcp/server.hpp"

#include "mcp/version.hpp"
#include "tools/schema.hpp"

namespace mcp {

namespace {

// RFC 5424 severities, as MCP names them (2025-06-18 server/utilities/logging).
bool is_log_level(const std::string& level) {
  for (const char* known : {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"})
    if (level == known) return true;
  return false;
}

}  // namespace

std::optional<std::string> Server::requested_version(const jsonrpc::Message& m) {
  if (m.kind != jsonrpc::Kind::request || m.method != "initialize" || !m.params) return std::nullopt;
  const std::string* v = json::get_string(*m.params, "protocolVersion");
  if (!v) return std::nullopt;
  return std::string(negotiate(*v));
}

Json Server::initialize_result(const jsonrpc::Message& m) const {
  Json result{{"protocolVersion", *requested_version(m)},
              {"capabilities", Json{{"tools", Json{{"listChanged", false}}}, {"logging", Json::object()}}},
              {"serverInfo", Json{{"name", info_.name}, {"version", info_.version}}}};
  if (!info_.instructions.empty()) result["instructions"] = info_.instructions;
  return result;
}

async::Task<Json> Server::call_tool(const jsonrpc::Message& m, host::Host& host, const app::Principal& caller,
                                    std::int64_t now_ms, std::string* log_reason) const {
  const std::string* name = m.params ? json::get_string(*m.params, "name") : nullptr;
  if (!name) co_return jsonrpc::error(m.id, jsonrpc::invalid_params, "Invalid params: name must be a string");
  const tools::Tool* tool = tools_.find(*name);
  // A tool the caller may not use does not exist for them.
  if (!tool || !tools_.visible_to(*tool, caller, config_))
    co_return jsonrpc::error(m.id, jsonrpc::invalid_params, "Unknown tool: " + *name);

  const Json no_arguments = Json::object();
  const Json* arguments = json::find(*m.params, "arguments");
  if (!arguments || arguments->is_null()) arguments = &no_arguments;
  if (auto problem = tools::check_schema(tool->input_schema, *arguments)) {
    if (log_reason) *log_reason = "invalid_arguments";
    co_return jsonrpc::result(
        m.id, tools::ToolResult::error("Invalid arguments for tool " + tool->name + ": " + *problem).to_json());
  }
  tools::CallContext ctx{host, *arguments, caller, config_, now_ms / 1000, cache_, now_ms};
  tools::ToolResult r = co_await tool->handler(ctx);
  if (log_reason) *log_reason = std::move(r.reason);
  co_return jsonrpc::result(m.id, r.to_json());
}

async::Task<std::optional<Json>> Server::handle(const jsonrpc::Message& m, host::Host& host,
                                                const app::Principal& caller, std::int64_t now_ms,
                                                std::string* log_reason) const {
  if (m.kind != jsonrpc::Kind::request) co_return std::nullopt;  // notifications, client responses
  if (m.method == "initialize") {
    if (!requested_version(m))
      co_return jsonrpc::error(m.id, jsonrpc::invalid_params, "Invalid params: protocolVersion must be a string");
    co_return jsonrpc::result(m.id, initialize_result(m));
  }
  if (m.method == "ping") co_return jsonrpc::result(m.id, Json::object());
  if (m.method == "tools/list") co_return jsonrpc::result(m.id, tools_.list_result(caller, config_));
  if (m.method == "tools/call") co_return co_await call_tool(m, host, caller, now_ms, log_reason);
  if (m.method == "logging/setLevel") {
    const std::string* level = m.params ? json::get_string(*m.params, "level") : nullptr;
    if (!level || !is_log_level(*level))
      co_return jsonrpc::error(m.id, jsonrpc::invalid_params,
                               "Invalid params: level must be one of debug, info, notice, warning, error, critical, "
                               "alert, emergency");
    co_return jsonrpc::result(m.id, Json::object());  // accepted; this server sends no log notifications
  }
  co_return jsonrpc::error(m.id, jsonrpc::method_not_found, "Method not found: " + m.method);
}

}  // namespace mcp
