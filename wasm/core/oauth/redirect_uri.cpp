#include "oauth/redirect_uri.hpp"

#include "app/limits.hpp"

#include <array>
#include <cstddef>

#include "http/url.hpp"

namespace oauth {

namespace {

constexpr std::array<std::string_view, 9> refused_schemes = {
    "about", "blob", "data", "file", "filesystem", "javascript", "mailto", "vbscript", "view-source"};

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_unreserved(char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

// RFC 3986 §2.2 reserved, §2.3 unreserved, and '%' (escapes are checked separately).
bool is_uri_char(char c) {
  return is_unreserved(c) || c == '%' || std::string_view(":/?#[]@!$&'()*+,;=").find(c) != std::string_view::npos;
}

// The scheme a lenient reader would see: whitespace and controls dropped wherever they are (WHATWG
// URL strips leading C0/space and every tab/newline), lowercased. Empty when there is no ':'.
std::string lenient_scheme(std::string_view uri) {
  std::string scheme;
  for (const char ch : uri) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F) continue;
    if (ch == ':') return http::to_lower_ascii(scheme);
    scheme.push_back(ch);
    if (scheme.size() > 32) break;
  }
  return {};
}

struct UriView {
  std::string scheme;  // lowercase
  bool has_authority = false;
  std::string_view authority;
  std::string_view rest;  // path, query and fragment, as written
};

// RFC 3986 §3: scheme ":" ["//" authority] rest. nullopt when the scheme is not §3.1 syntax.
std::optional<UriView> split_uri(std::string_view uri) {
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(uri[0])) return std::nullopt;
  for (const char c : uri.substr(0, colon))
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
  UriView v;
  v.scheme = http::to_lower_ascii(uri.substr(0, colon));
  auto after = uri.substr(colon + 1);
  if (after.substr(0, 2) == "//") {
    after.remove_prefix(2);
    const auto end = after.find_first_of("/?#");
    v.has_authority = true;
    v.authority = after.substr(0, end);
    v.rest = end == std::string_view::npos ? std::string_view() : after.substr(end);
  } else {
    v.rest = after;
  }
  return v;
}

// Host of an http(s) authority without userinfo: a reg-name of unreserved characters or an IPv6
// literal, then an optional port. Lowercased host, or a reason.
std::optional<std::string> parse_host(std::string_view authority, std::string& host) {
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return "has an invalid host";
    for (const char c : authority.substr(1, close - 1))
      if (!is_hex(c) && c != ':' && c != '.') return "has an invalid host";
    host = http::to_lower_ascii(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return "has an invalid host";
      has_port = true;
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    const auto name = authority.substr(0, colon);
    if (name.empty()) return "has no host";
    for (const char c : name)
      if (!is_unreserved(c)) return "has an invalid host";
    host = http::to_lower_ascii(name);
    if (colon != std::string_view::npos) {
      has_port = true;
      port = authority.substr(colon + 1);
    }
  }
  if (has_port) {
    if (port.empty() || port.size() > 5) return "has an invalid port";
    long value = 0;
    for (const char c : port) {
      if (!is_digit(c)) return "has an invalid port";
      value = value * 10 + (c - '0');
    }
    if (value > 65535) return "has an invalid port";
  }
  return std::nullopt;
}

enum class UriUse { redirect, web_page };

std::optional<std::string> uri_problem(std::string_view uri, UriUse use) {
  if (uri.empty()) return "is empty";
  if (uri.size() > app::max_redirect_uri_length) return "is longer than " + std::to_string(app::max_redirect_uri_length) + " characters";
  const std::string seen_scheme = lenient_scheme(uri);
  for (const auto refused : refused_schemes)
    if (seen_scheme == refused) return "uses the refused scheme '" + std::string(refused) + "'";
  for (const char ch : uri) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F) return "contains whitespace or control characters";
    if (c >= 0x80) return "contains non-ASCII characters";
  }
  auto view = split_uri(uri);
  if (!view) return "has no scheme";
  if (use == UriUse::redirect && uri.find('#') != std::string_view::npos) return "contains a fragment";
  for (std::size_t i = 0; i < uri.size(); ++i) {
    if (!is_uri_char(uri[i])) return "contains characters not allowed in a URI";
    if (uri[i] == '%' && (i + 2 >= uri.size() || !is_hex(uri[i + 1]) || !is_hex(uri[i + 2])))
      return "contains a malformed percent-escape";
  }
  if (view->has_authority && view->authority.find('@') != std::string_view::npos) return "contains userinfo";

  const bool web = view->scheme == "https" || view->scheme == "http";
  if (!web) {
    if (use == UriUse::web_page) return "must use https (or http with a loopback host)";
    if (view->authority.empty() && view->rest.empty()) return "has nothing after the scheme";
    return std::nullopt;
  }
  if (!view->has_authority || view->authority.empty()) return "has no host";
  std::string host;
  if (auto problem = parse_host(view->authority, host)) return problem;
  if (view->scheme == "http" && !http::is_loopback_host(host))
    return "uses http with a host that is not loopback (https is required)";
  return std::nullopt;
}

struct LoopbackUri {
  std::string host;
  std::string_view path_and_query;
};

std::optional<LoopbackUri> loopback_http(std::string_view uri) {
  if (redirect_uri_problem(uri)) return std::nullopt;
  auto view = split_uri(uri);
  if (!view || view->scheme != "http") return std::nullopt;
  LoopbackUri out;
  if (parse_host(view->authority, out.host) || !http::is_loopback_host(out.host)) return std::nullopt;
  out.path_and_query = view->rest;
  return out;
}

}  // namespace

std::optional<std::string> redirect_uri_problem(std::string_view uri) { return uri_problem(uri, UriUse::redirect); }

std::optional<std::string> web_url_problem(std::string_view url) { return uri_problem(url, UriUse::web_page); }

bool redirect_uri_matches(std::string_view presented, std::string_view registered) {
  if (presented == registered) return true;
  const auto a = loopback_http(presented);
  if (!a) return false;
  const auto b = loopback_http(registered);
  return b && a->host == b->host && a->path_and_query == b->path_and_query;
}

const std::string* find_redirect_uri(std::string_view presented, const std::vector<std::string>& registered) {
  for (const auto& uri : registered)
    if (uri == presented) return &uri;
  for (const auto& uri : registered)
    if (redirect_uri_matches(presented, uri)) return &uri;
  return nullptr;
}

}  // namespace oauth
