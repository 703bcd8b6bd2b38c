#include "app/request_log.hpp"

#include "json/json.hpp"

namespace app {

std::string_view status_reason(std::uint16_t status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 406: return "not_acceptable";
    case 413: return "payload_too_large";
    case 415: return "unsupported_media_type";
    case 429: return "rate_limited";
    case 503: return "temporarily_unavailable";
    default: break;
  }
  if (status < 300) return "ok";
  if (status < 400) return "redirect";
  if (status < 500) return "client_error";
  return "server_error";
}

std::string_view route_name(std::string_view path) {
  constexpr std::string_view routes[] = {"/",         "/mcp",      "/sse",   "/sse/message",
                                         "/register", "/authorize", "/callback", "/token",
                                         "/.well-known/oauth-authorization-server"};
  for (std::string_view r : routes)
    if (path == r) return r;
  constexpr std::string_view prm = "/.well-known/oauth-protected-resource";
  if (path.substr(0, prm.size()) == prm) return prm;
  return "other";
}

namespace {

std::string_view method_name(std::string_view method) {
  constexpr std::string_view methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
  for (std::string_view m : methods)
    if (method == m) return m;
  return "other";
}

}  // namespace

bool wants_log_line(Config::RequestLog policy, const http::Response& response) {
  if (policy == Config::RequestLog::all) return true;
  if (policy == Config::RequestLog::off) return false;
  const std::string_view reason =
      response.outcome.reason.empty() ? status_reason(response.status) : std::string_view(response.outcome.reason);
  return reason != "ok" && reason != "redirect";
}

std::string request_log_line(std::string_view method, std::string_view path, const http::Response& response) {
  const http::Outcome& o = response.outcome;
  // Built by hand to keep the field order of the contract (a json object would sort its keys).
  std::string line = "{\"event\":\"request\"";
  const auto field = [&line](std::string_view name, std::string_view value) {
    if (value.empty()) return;
    line += ",\"";
    line += name;
    line += "\":";
    line += json::dump(json::Json(value));
  };
  field("method", method_name(method));
  field("route", route_name(path));
  line += ",\"status\":" + std::to_string(response.status);
  field("reason", o.reason.empty() ? status_reason(response.status) : std::string_view(o.reason));
  field("rpc", o.rpc);
  field("tool", o.tool);
  field("user", o.user);
  field("client", o.client);
  line += '}';
  return line;
}

}  // namespace app
