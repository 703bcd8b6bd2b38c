// Building requests and reading responses in native tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "http/message.hpp"
#include "json/json.hpp"

namespace fake {

inline constexpr const char* origin = "http://localhost:8788";

inline http::Request mcp_post(std::string body, std::vector<http::Header> extra = {}) {
  http::Request r;
  r.method = "POST";
  r.url = std::string(origin) + "/mcp";
  r.headers = {{"host", "localhost:8788"},
               {"content-type", "application/json"},
               {"accept", "application/json, text/event-stream"}};
  for (auto& h : extra) r.headers.push_back(std::move(h));
  r.body = std::move(body);
  return r;
}

inline std::string initialize_body(const std::string& version = "2025-06-18", int id = 1) {
  return json::dump(json::Json{{"jsonrpc", "2.0"},
                               {"id", id},
                               {"method", "initialize"},
                               {"params",
                                {{"protocolVersion", version},
                                 {"capabilities", json::Json::object()},
                                 {"clientInfo", {{"name", "test"}, {"version", "1"}}}}}});
}

inline std::string call_body(const std::string& method, json::Json params = nullptr, int id = 2) {
  json::Json m{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) m["params"] = std::move(params);
  return json::dump(m);
}

inline const std::string* header(const http::Response& r, const std::string& name) {
  for (const auto& h : r.headers)
    if (h.first == name) return &h.second;
  return nullptr;
}

inline json::Json body_json(const http::Response& r) {
  auto parsed = json::parse(r.body);
  return parsed.value ? *parsed.value : json::Json();
}

}  // namespace fake
