// URL pieces the router needs (WHATWG URL as normalised by the Fetch API, so no re-validation of
// the absolute form is attempted here).
//
// Contract:
// 1. `split_url` takes the absolute URL the driver hands over and returns origin, path and query.
//    A string that is not `scheme://authority/...` gives nullopt.
// 2. `query_param` returns the first value of a parameter, percent-decoded ('+' is a space).
// 3. `host_of_authority` strips a port and the brackets of an IPv6 literal.
// 4. `is_loopback_host` accepts localhost, *.localhost, 127.0.0.0/8 and ::1 (RFC 6761 §6.3).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace http {

struct UrlParts {
  std::string scheme;     // "https"
  std::string authority;  // "example.com:8788" (host and port, lowercase host)
  std::string path;       // "/mcp"
  std::string query;      // without '?'
  std::string origin() const { return scheme + "://" + authority; }
};

std::optional<UrlParts> split_url(std::string_view url);
std::optional<std::string> query_param(std::string_view query, std::string_view name);
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);
std::string host_of_authority(std::string_view authority);
bool is_loopback_host(std::string_view host);
std::string to_lower_ascii(std::string_view s);

}  // namespace http
