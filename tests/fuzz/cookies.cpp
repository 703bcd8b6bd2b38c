// Fuzz target: Cookie headers and __Host- cookies (http/cookies.hpp).
//
// Input: "NAME\nCOOKIE-HEADER".
// Checks: a value that passes is_cookie_value can be written by host_cookie (no assert) and read
// back from the "name=value" pair a browser would send.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/cookies.hpp"
#include "support/fuzz_host.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nl = input.find('\n');
  const std::string name(nl == std::string_view::npos ? std::string_view("__Host-mcp-csrf") : input.substr(0, nl));
  const std::string header(nl == std::string_view::npos ? input : input.substr(nl + 1));

  for (const std::string& n : {name, std::string("__Host-mcp-csrf"), std::string("__Host-mcp-approved")}) {
    auto value = http::cookie_value(&header, n);
    if (!value || !http::is_cookie_value(*value)) continue;
    const std::string set_cookie = http::host_cookie("__Host-fuzz", *value, {});
    const std::string pair = set_cookie.substr(0, set_cookie.find(';'));
    auto back = http::cookie_value(&pair, "__Host-fuzz");
    if (!back || *back != *value) fuzz::fail("a cookie value does not read back: " + *value);
  }
  if (http::cookie_value(nullptr, name)) fuzz::fail("a value without a header");
  return 0;
}
