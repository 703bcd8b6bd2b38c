#include "app/jsonrpc_post.hpp"

#include <cctype>
#include <string_view>

#include "app/limits.hpp"
#include "app/responses.hpp"
#include "http/url.hpp"
#include "jsonrpc/message.hpp"
#include "mcp/version.hpp"

namespace app {

using json::Json;

namespace {

std::string_view media_type(std::string_view value) {
  value = value.substr(0, value.find(';'));
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return value;
}

bool accepts_json(const std::string* accept) {
  if (!accept) return true;
  const std::string a = http::to_lower_ascii(*accept);
  return a.find("application/json") != std::string::npos || a.find("*/*") != std::string::npos ||
         a.find("application/*") != std::string::npos;
}

constexpr std::string_view known_methods[] = {"initialize", "ping", "tools/list", "tools/call", "logging/setLevel",
                                              "notifications/initialized", "notifications/cancelled"};

std::string rpc_name(const jsonrpc::Message& m) {
  for (std::string_view known : known_methods)
    if (m.method == known) return m.method;
  return m.kind == jsonrpc::Kind::response ? "response" : "other";
}

// A tool name as it may appear in a log: short, of the characters tool names use; else "other".
std::string tool_name(const jsonrpc::Message& m) {
  const std::string* name = m.params ? json::get_string(*m.params, "name") : nullptr;
  if (!name) return "";
  if (name->empty() || name->size() > max_logged_tool_name_length) return "other";
  for (char c : *name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return "other";
  return *name;
}

// Notes one reply in the outcome: the first JSON-RPC error wins; else the first tool error's reason.
void note_reply(http::Outcome& outcome, bool& rpc_failed, const Json& reply, const std::string& tool_reason = {}) {
  if (rpc_failed) return;
  if (const Json* error = json::find(reply, "error")) {
    const Json* code = error->is_object() ? json::find(*error, "code") : nullptr;
    outcome.reason = jsonrpc::code_name(code && code->is_number_integer() ? code->get<int>() : 0);
    rpc_failed = true;
    return;
  }
  if (!outcome.reason.empty()) return;
  const Json* result = json::find(reply, "result");
  const Json* is_error = result && result->is_object() ? json::find(*result, "isError") : nullptr;
  if (is_error && is_error->is_boolean() && is_error->get<bool>())
    outcome.reason = tool_reason.empty() ? "tool_error" : tool_reason;
}

bool is_initialize_request(const Json& value) {
  const std::string* method = json::get_string(value, "method");
  return method && *method == "initialize" && json::find(value, "id") != nullptr;
}

}  // namespace

http::Response bad_request(std::string message, int code) { return jsonrpc_http_error(400, code, std::move(message)); }

base::Result<JsonRpcPost, http::Response> read_jsonrpc_post(const http::Request& request) {
  if (request.body_too_large)
    return base::Err{jsonrpc_http_error(413, jsonrpc::invalid_request,
                                        "Payload Too Large: the body exceeds " + std::to_string(max_body_bytes) + " bytes")};
  const std::string* content_type = request.header("content-type");
  if (!content_type || http::to_lower_ascii(media_type(*content_type)) != "application/json")
    return base::Err{jsonrpc_http_error(415, jsonrpc::invalid_request,
                                        "Unsupported Media Type: Content-Type must be application/json")};
  if (!accepts_json(request.header("accept")))
    return base::Err{jsonrpc_http_error(406, jsonrpc::invalid_request,
                                        "Not Acceptable: the client must accept application/json")};
  JsonRpcPost post;
  post.version_header = request.header("mcp-protocol-version");
  if (post.version_header && !mcp::is_supported(*post.version_header))
    return base::Err{bad_request("Bad Request: unsupported MCP-Protocol-Version " + *post.version_header,
                                 jsonrpc::invalid_request)};

  json::ParseResult parsed = json::parse(request.body, max_json_depth);
  if (!parsed.value) {
    std::string why = "Parse error: the body is not valid JSON";
    if (parsed.error == json::ParseError::too_deep)
      why = "Parse error: JSON nested deeper than " + std::to_string(max_json_depth) + " levels";
    else if (parsed.error == json::ParseError::number_out_of_range)
      why = "Parse error: a number is outside the range of a double";
    return base::Err{bad_request(std::move(why), jsonrpc::parse_error)};
  }
  post.body = std::move(*parsed.value);
  post.batch = post.body.is_array();
  if (post.batch) {
    if (post.body.empty()) return base::Err{bad_request("Invalid Request: empty batch", jsonrpc::invalid_request)};
    if (post.body.size() > max_batch_messages)
      return base::Err{bad_request("Invalid Request: more than " + std::to_string(max_batch_messages) +
                                       " messages in a batch",
                                   jsonrpc::invalid_request)};
    for (const Json& item : post.body)
      if (is_initialize_request(item))
        return base::Err{bad_request("Invalid Request: initialize must not be part of a batch", jsonrpc::invalid_request)};
  } else {
    post.is_initialize = is_initialize_request(post.body);
  }
  return post;
}

std::optional<http::Response> batch_refusal(const JsonRpcPost& post) {
  if (!post.batch) return std::nullopt;
  const std::string_view rules = post.version_header ? std::string_view(*post.version_header) : mcp::default_http_version;
  if (mcp::allows_batches(rules)) return std::nullopt;
  return bad_request("Invalid Request: JSON-RPC batches are not supported in protocol version " + std::string(rules),
                     jsonrpc::invalid_request);
}

async::Task<base::Result<Dispatched, http::Response>> dispatch(const mcp::Server& server, const JsonRpcPost& post,
                                                                host::Host& host, const Principal& caller,
                                                                std::int64_t now_ms) {
  Dispatched out;
  bool rpc_failed = false;
  if (post.batch) out.outcome.rpc = "batch";
  const std::size_t count = post.batch ? post.body.size() : 1;
  for (std::size_t i = 0; i < count; ++i) {
    const Json& item = post.batch ? post.body[i] : post.body;
    auto message = jsonrpc::classify(item);
    if (!message) {
      if (!post.batch) {
        http::Response invalid = json_response(400, jsonrpc::error(message.error()));
        invalid.outcome.reason = jsonrpc::code_name(message.error().code);
        co_return base::Err{std::move(invalid)};
      }
      out.replies.push_back(jsonrpc::error(message.error()));
      note_reply(out.outcome, rpc_failed, out.replies.back());
      continue;
    }
    if (!post.batch) {
      out.outcome.rpc = rpc_name(*message);
      if (message->method == "tools/call") out.outcome.tool = tool_name(*message);
    }
    std::string tool_reason;
    std::optional<Json> reply = co_await server.handle(*message, host, caller, now_ms, &tool_reason);
    if (!reply) continue;
    note_reply(out.outcome, rpc_failed, *reply, tool_reason);
    if (post.is_initialize && !json::find(*reply, "error")) out.initialized = mcp::Server::requested_version(*message);
    out.replies.push_back(std::move(*reply));
  }
  co_return out;
}

}  // namespace app
