// JSON-RPC 2.0 messages as MCP uses them.
//
// Contract:
// 1. `classify` turns one parsed JSON value into a request, a notification or a response, or into
//    the -32600 error that answers it (JSON-RPC 2.0 §4, §5; MCP 2025-06-18 basic: a request id is
//    a string or an integer, never null; params, when present, are an object).
// 2. The error of an invalid message carries the message's id when that id was valid, else null.
// 3. A Message points into the value it was classified from: keep that value alive.
// 4. `result` and `error` build the response objects; nothing else writes "jsonrpc".
#pragma once

#include <string>

#include "base/result.hpp"
#include "json/json.hpp"

namespace jsonrpc {

using json::Json;

enum Code : int {
  parse_error = -32700,
  invalid_request = -32600,
  method_not_found = -32601,
  invalid_params = -32602,
  internal_error = -32603,
};

struct Error {
  int code = internal_error;
  std::string message;
  Json id;  // null when unknown
};

enum class Kind { request, notification, response };

struct Message {
  Kind kind = Kind::request;
  Json id;  // requests and responses
  std::string method;
  const Json* params = nullptr;  // an object inside the classified value, or nullptr when absent
};

base::Result<Message, Error> classify(const Json& value);

Json result(const Json& id, Json result_value);
Json error(const Json& id, int code, std::string message);
inline Json error(const Error& e) { return error(e.id, e.code, e.message); }

// The stable name of an error code for logs ("invalid_params"); "server_error" for any other.
const char* code_name(int code);

}  // namespace jsonrpc
