// HTTP messages as plain values.
//
// Contract:
// 1. The driver lowercases header names (the Fetch API already does) and joins repeated headers
//    with ", " as the Fetch API's Headers does. Lookup here is exact on the lowercase name.
// 2. `body_too_large` is set by the driver when it stopped reading a body over the limit the core
//    announced; the body is then empty and the core answers 413.
// 3. Response bodies are bytes; the core sets Content-Type itself.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http {

using Header = std::pair<std::string, std::string>;

struct Request {
  std::string method;  // upper case, as the Fetch API gives it
  std::string url;     // absolute, as the Fetch API gives it
  std::vector<Header> headers;
  std::string body;
  bool body_too_large = false;

  // Returns nullptr when absent.
  const std::string* header(std::string_view lowercase_name) const {
    for (const auto& h : headers)
      if (h.first == lowercase_name) return &h.second;
    return nullptr;
  }
};

struct Response {
  std::uint16_t status = 200;
  std::vector<Header> headers;
  std::string body;

  Response& set(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace http
