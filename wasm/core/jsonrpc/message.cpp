#include "jsonrpc/message.hpp"

#include <cmath>

namespace jsonrpc {

namespace {

bool valid_id(const Json& id) { return id.is_string() || id.is_number_integer(); }

base::Err<Error> invalid(const Json* id, std::string why) {
  return base::Err{Error{invalid_request, std::move(why), id && valid_id(*id) ? *id : Json()}};
}

}  // namespace

base::Result<Message, Error> classify(const Json& value) {
  if (!value.is_object()) return invalid(nullptr, "Invalid Request: a message must be an object");
  const Json* id = json::find(value, "id");
  const std::string* version = json::get_string(value, "jsonrpc");
  if (!version || *version != "2.0") return invalid(id, "Invalid Request: jsonrpc must be \"2.0\"");

  Message m;
  const Json* method = json::find(value, "method");
  if (!method) {
    // A response to a request of ours (JSON-RPC 2.0 §5).
    const bool has_result = json::find(value, "result") != nullptr;
    const bool has_error = json::find(value, "error") != nullptr;
    if (has_result == has_error || !id || !valid_id(*id))
      return invalid(id, "Invalid Request: missing method");
    m.kind = Kind::response;
    m.id = *id;
    return m;
  }
  if (!method->is_string()) return invalid(id, "Invalid Request: method must be a string");
  m.method = method->get_ref<const std::string&>();
  if (const Json* params = json::find(value, "params")) {
    if (!params->is_object()) return invalid(id, "Invalid Request: params must be an object");
    m.params = params;
  }
  if (!id) {
    m.kind = Kind::notification;
    return m;
  }
  if (!valid_id(*id)) return invalid(id, "Invalid Request: id must be a string or an integer");
  m.kind = Kind::request;
  m.id = *id;
  return m;
}

Json result(const Json& id, Json result_value) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result_value)}};
}

const char* code_name(int code) {
  switch (code) {
    case parse_error: return "parse_error";
    case invalid_request: return "invalid_request";
    case method_not_found: return "method_not_found";
    case invalid_params: return "invalid_params";
    case internal_error: return "internal_error";
    default: return "server_error";
  }
}

Json error(const Json& id, int code, std::string message) {
  return Json{{"jsonrpc", "2.0"},
              {"id", id},
              {"error", Json{{"code", code}, {"message", std::move(message)}}}};
}

}  // namespace jsonrpc
