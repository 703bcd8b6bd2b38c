#include "oauth/client_id_document.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "app/limits.hpp"

#include "host/fetch.hpp"
#include "http/url.hpp"
#include "oauth/redirect_uri.hpp"

namespace oauth {

using json::Json;

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_ip_literal(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return true;  // IPv6 (split_url keeps brackets off)
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

std::int64_t cache_seconds(const host::FetchResponse& r) {
  const std::string* cc = r.header("cache-control");
  if (!cc) return app::client_id_document_cache_default_seconds;
  const std::string v = http::to_lower_ascii(*cc);
  if (v.find("no-store") != std::string::npos || v.find("no-cache") != std::string::npos) return 0;
  const auto at = v.find("max-age=");
  if (at == std::string::npos) return app::client_id_document_cache_default_seconds;
  std::int64_t age = 0;
  const char* begin = v.data() + at + 8;
  std::from_chars(begin, v.data() + v.size(), age);
  return std::clamp<std::int64_t>(age, app::client_id_document_cache_min_seconds, app::client_id_document_cache_max_seconds);
}

// The document as a public client record (the layout of client:{id}); nullopt when not acceptable.
std::optional<Json> client_record(const Json& doc, const std::string& url) {
  if (!doc.is_object()) return std::nullopt;
  const std::string* id = json::get_string(doc, "client_id");
  if (!id || *id != url) return std::nullopt;
  const Json* uris = json::find(doc, "redirect_uris");
  if (!uris || !uris->is_array() || uris->empty() || uris->size() > app::max_redirect_uris) return std::nullopt;
  for (const Json& u : *uris)
    if (!u.is_string() || redirect_uri_problem(u.get_ref<const std::string&>())) return std::nullopt;
  const Json* name = json::find(doc, "client_name");
  if (name && !name->is_string()) return std::nullopt;
  if (const Json* method = json::find(doc, "token_endpoint_auth_method");
      method && !(method->is_string() && method->get_ref<const std::string&>() == "none"))
    return std::nullopt;
  Json grant_types = Json::array({"authorization_code", "refresh_token"});
  if (const Json* g = json::find(doc, "grant_types")) {
    if (!g->is_array()) return std::nullopt;
    for (const Json& t : *g)
      if (!t.is_string() || (t != "authorization_code" && t != "refresh_token")) return std::nullopt;
    grant_types = *g;
  }
  Json record{{"clientId", url},
              {"redirectUris", *uris},
              {"tokenEndpointAuthMethod", "none"},
              {"grantTypes", grant_types},
              {"responseTypes", Json::array({"code"})}};
  if (name) record["clientName"] = *name;
  return record;
}

}  // namespace

bool is_client_id_url(std::string_view client_id) {
  auto parts = http::split_url(client_id);
  return parts && parts->scheme == "https" && parts->path != "/";
}

// A DNS name as URL parsers will not reinterpret: labels of [a-z0-9-] (any case), no empty label
// (so no trailing dot), and a last label that is alphabetic or an IDN "xn--" label. This refuses
// every spelling of an address that parsers turn into one: 0x7f.0.0.1, 127%2e0%2e0.1, 2130706433,
// 0x0a.0.0.1, and "localhost." (threat model finding 30).
static bool is_plain_dns_name(std::string_view host) {
  std::size_t label_start = 0;
  for (std::size_t i = 0; i <= host.size(); ++i) {
    if (i < host.size() && host[i] != '.') {
      const char c = host[i];
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
      continue;
    }
    if (i == label_start) return false;  // an empty label
    label_start = i + 1;
  }
  const std::string_view last = host.substr(host.rfind('.') + 1);
  if (last.size() > 4 && (last.substr(0, 4) == "xn--" || last.substr(0, 4) == "XN--")) return true;
  for (char c : last)
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  return true;
}

std::optional<std::string> client_id_url_problem(std::string_view url) {
  if (url.size() > app::max_client_id_url_length) return "the client_id URL is too long";
  if (url.find('#') != std::string_view::npos) return "the client_id URL has a fragment";
  auto parts = http::split_url(url);
  if (!parts || parts->scheme != "https") return "the client_id URL is not https";
  if (parts->authority.find('@') != std::string::npos) return "the client_id URL has userinfo";
  if (parts->authority.find(':') != std::string::npos && parts->authority.back() != ']')
    return "the client_id URL names a port";
  const std::string host = http::host_of_authority(parts->authority);
  if (host.empty() || is_ip_literal(host) || parts->authority.front() == '[' || !is_plain_dns_name(host))
    return "the client_id URL names an address, not a name";
  if (host == "localhost" || ends_with(host, ".localhost") || ends_with(host, ".local") || ends_with(host, ".internal") ||
      ends_with(host, ".arpa") || host.find('.') == std::string::npos)
    return "the client_id URL names a local host";
  if (parts->path == "/" || parts->path.find("/./") != std::string::npos || parts->path.find("/../") != std::string::npos ||
      ends_with(parts->path, "/.") || ends_with(parts->path, "/.."))
    return "the client_id URL's path is not acceptable";
  return std::nullopt;
}

async::Task<HostResult<std::optional<Client>>> resolve_client_id_document(host::Host& host, std::string url) {
  if (client_id_url_problem(url)) co_return std::optional<Client>();
  auto digest = co_await sha256_hex(host, url);
  if (!digest) co_return base::Err{digest.error()};
  const std::string cache_key = "cimd:" + *digest;
  auto cached = co_await get_json(host, cache_key);
  if (!cached) co_return base::Err{cached.error()};
  if (*cached) co_return std::optional<Client>(Client{std::move(**cached)});

  host::FetchRequest req;
  req.url = url;
  req.headers = {{"accept", "application/json"}, {"user-agent", "remote-mcp-github-oauth-cpp"}};
  req.timeout_ms = app::client_id_document_timeout_ms;
  host::OpResult r = co_await host.perform_one(host::op_fetch(req));
  if (!r.ok()) co_return std::optional<Client>();
  auto response = host::decode_fetch_response(r.bytes);
  if (!response || response->status != 200 || response->body.size() > app::max_client_id_document_bytes)
    co_return std::optional<Client>();
  auto doc = json::parse(response->body);
  auto record = doc.value ? client_record(*doc.value, url) : std::nullopt;
  if (!record) co_return std::optional<Client>();
  if (const std::int64_t ttl = cache_seconds(*response); ttl > 0) {
    // Best effort: a document not cached is fetched again next time.
    (void)co_await host.perform_one(host::op_kv_put(cache_key, json::dump(*record), static_cast<std::uint64_t>(ttl)));
  }
  co_return std::optional<Client>(Client{std::move(*record)});
}

}  // namespace oauth
