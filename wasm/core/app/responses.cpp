#include "app/responses.hpp"

#include "app/limits.hpp"
#include "jsonrpc/message.hpp"

namespace app {

http::Response json_response(std::uint16_t status, const json::Json& body) {
  http::Response r;
  r.status = status;
  r.set("content-type", "application/json");
  r.body = json::dump(body);
  return r;
}

http::Response jsonrpc_http_error(std::uint16_t status, int code, std::string message) {
  http::Response r = json_response(status, jsonrpc::error(json::Json(), code, std::move(message)));
  if (status == 400) r.outcome.reason = jsonrpc::code_name(code);  // other statuses say it themselves
  return r;
}

http::Response jsonrpc_unavailable(std::string message) {
  http::Response r = jsonrpc_http_error(503, jsonrpc::internal_error, std::move(message));
  r.set("retry-after", std::to_string(retry_after_seconds));
  return r;
}

http::Response text_response(std::uint16_t status, std::string body) {
  http::Response r;
  r.status = status;
  r.set("content-type", "text/plain; charset=utf-8");
  r.body = std::move(body);
  return r;
}

}  // namespace app
