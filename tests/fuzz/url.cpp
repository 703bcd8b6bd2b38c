// Fuzz target: the URL helpers of http/url.hpp (split_url, query_param, percent_decode,
// host_of_authority, is_loopback_host).
//
// Input: "NAME\nURL": a query parameter name, then the URL.
// Checks: split_url is idempotent on its own output (origin + path + query gives the same parts)
// and always yields a path starting with '/'; percent_decode undoes form_encode.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/form.hpp"
#include "http/url.hpp"
#include "support/fuzz_host.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nl = input.find('\n');
  const std::string_view name = nl == std::string_view::npos ? std::string_view() : input.substr(0, nl);
  const std::string_view url = nl == std::string_view::npos ? input : input.substr(nl + 1);

  if (auto parts = http::split_url(url)) {
    if (parts->path.empty() || parts->path.front() != '/') fuzz::fail("a path not starting with '/'");
    if (parts->authority.empty() || parts->authority.find_first_of("/?#") != std::string::npos)
      fuzz::fail("authority " + parts->authority);
    const std::string again = parts->origin() + parts->path + (parts->query.empty() ? "" : "?" + parts->query);
    auto reparsed = http::split_url(again);
    if (!reparsed || reparsed->scheme != parts->scheme || reparsed->authority != parts->authority ||
        reparsed->path != parts->path || reparsed->query != parts->query)
      fuzz::fail("split_url is not idempotent on " + again);
    const std::string host = http::host_of_authority(parts->authority);
    (void)http::is_loopback_host(host);
    (void)http::query_param(parts->query, name);
    (void)http::query_param(parts->query, "access_token");
  }
  (void)http::query_param(url, name);
  (void)http::percent_decode(url, true);
  (void)http::is_loopback_host(url);
  (void)http::host_of_authority(url);
  auto decoded = http::percent_decode(http::form_encode(url), false);
  if (!decoded || *decoded != url) fuzz::fail("percent_decode(form_encode(x)) != x");
  return 0;
}
