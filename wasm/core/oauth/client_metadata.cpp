#include "oauth/client_metadata.hpp"

#include "app/limits.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

#include "oauth/redirect_uri.hpp"

namespace oauth {

namespace {

using Outcome = std::optional<MetadataError>;  // nullopt: the field is fine

constexpr std::string_view invalid_metadata = "invalid_client_metadata";
constexpr std::string_view invalid_redirect = "invalid_redirect_uri";
using app::max_error_echo;
using app::max_redirect_uris;
using app::max_contacts;

MetadataError fail(std::string_view error, std::string description) {
  return MetadataError{std::string(error), std::move(description)};
}

// A sent value inside a description: quoted with '', at most 100 characters, and only characters
// RFC 6749 §5.2 allows in error_description.
std::string echo(std::string_view value) {
  std::string out = "'";
  for (std::size_t i = 0; i < value.size() && i < max_error_echo; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    const bool allowed = (c >= 0x20 && c <= 0x7E) && c != '"' && c != '\\';
    out.push_back(allowed ? value[i] : '?');
  }
  if (value.size() > max_error_echo) out += "...";
  out += "'";
  return out;
}

std::string indexed(std::string_view field, std::size_t i) {
  return std::string(field) + "[" + std::to_string(i) + "]";
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7F;
  });
}

// The field, or nullptr when absent or null (contract rule 3).
const json::Json* present(const json::Json& body, std::string_view field) {
  const json::Json* v = json::find(body, field);
  return v && !v->is_null() ? v : nullptr;
}

// An optional string field into `out`.
Outcome read_string(const json::Json& body, std::string_view field, std::string& out) {
  const json::Json* v = present(body, field);
  if (!v) return std::nullopt;
  const auto* s = v->get_ptr<const std::string*>();
  if (!s) return fail(invalid_metadata, std::string(field) + " must be a string");
  out = *s;
  return std::nullopt;
}

// An optional array of strings into `out`; `sent` says whether it was there.
Outcome read_string_array(const json::Json& body, std::string_view field, std::vector<std::string>& out,
                          bool& sent) {
  sent = false;
  const json::Json* v = present(body, field);
  if (!v) return std::nullopt;
  if (!v->is_array()) return fail(invalid_metadata, std::string(field) + " must be an array of strings");
  sent = true;
  out.clear();
  out.reserve(v->size());
  for (std::size_t i = 0; i < v->size(); ++i) {
    const auto* s = (*v)[i].get_ptr<const std::string*>();
    if (!s) return fail(invalid_metadata, indexed(field, i) + " must be a string");
    out.push_back(*s);
  }
  return std::nullopt;
}

Outcome check_redirect_uris(const json::Json& body, ClientMetadata& m) {
  bool sent = false;
  if (auto e = read_string_array(body, "redirect_uris", m.redirect_uris, sent)) return e;
  if (m.redirect_uris.empty()) return fail(invalid_redirect, "redirect_uris is required and must not be empty");
  if (m.redirect_uris.size() > max_redirect_uris)
    return fail(invalid_redirect, "redirect_uris lists more than " + std::to_string(max_redirect_uris) + " URIs");
  for (std::size_t i = 0; i < m.redirect_uris.size(); ++i) {
    if (auto problem = redirect_uri_problem(m.redirect_uris[i]))
      return fail(invalid_redirect, indexed("redirect_uris", i) + " " + echo(m.redirect_uris[i]) + " " + *problem);
  }
  return std::nullopt;
}

Outcome check_web_url(const json::Json& body, std::string_view field, std::string& out) {
  if (auto e = read_string(body, field, out)) return e;
  if (out.empty()) return std::nullopt;
  if (out.size() > app::max_client_uri_length)
    return fail(invalid_metadata, std::string(field) + " is longer than " + std::to_string(app::max_client_uri_length) + " characters");
  if (auto problem = web_url_problem(out))
    return fail(invalid_metadata, std::string(field) + " " + echo(out) + " " + *problem);
  return std::nullopt;
}

Outcome check_client_name(const json::Json& body, ClientMetadata& m) {
  if (auto e = read_string(body, "client_name", m.client_name)) return e;
  if (m.client_name.size() > app::max_client_name_length)
    return fail(invalid_metadata, "client_name is longer than " + std::to_string(app::max_client_name_length) + " characters");
  if (has_control(m.client_name)) return fail(invalid_metadata, "client_name contains control characters");
  return std::nullopt;
}

Outcome check_contacts(const json::Json& body, ClientMetadata& m) {
  bool sent = false;
  if (auto e = read_string_array(body, "contacts", m.contacts, sent)) return e;
  if (m.contacts.size() > max_contacts)
    return fail(invalid_metadata, "contacts lists more than " + std::to_string(max_contacts) + " entries");
  for (std::size_t i = 0; i < m.contacts.size(); ++i) {
    if (m.contacts[i].size() > app::max_client_name_length)
      return fail(invalid_metadata, indexed("contacts", i) + " is longer than " + std::to_string(app::max_client_name_length) +
                                        " characters");
    if (has_control(m.contacts[i])) return fail(invalid_metadata, indexed("contacts", i) + " contains control characters");
  }
  return std::nullopt;
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Outcome check_grant_and_response_types(const json::Json& body, ClientMetadata& m) {
  bool sent = false;
  if (auto e = read_string_array(body, "grant_types", m.grant_types, sent)) return e;
  if (!sent) m.grant_types = {"authorization_code", "refresh_token"};
  for (const auto& g : m.grant_types)
    if (g != "authorization_code" && g != "refresh_token")
      return fail(invalid_metadata, "grant_types: " + echo(g) + " is not supported");
  if (!contains(m.grant_types, "authorization_code"))
    return fail(invalid_metadata, "grant_types must include authorization_code");

  if (auto e = read_string_array(body, "response_types", m.response_types, sent)) return e;
  if (!sent) m.response_types = {"code"};
  for (const auto& r : m.response_types)
    if (r != "code") return fail(invalid_metadata, "response_types: " + echo(r) + " is not supported");
  if (m.response_types.empty()) return fail(invalid_metadata, "response_types must include code");
  return std::nullopt;
}

Outcome check_auth_method(const json::Json& body, ClientMetadata& m) {
  m.auth_method_explicit = present(body, "token_endpoint_auth_method") != nullptr;
  m.token_endpoint_auth_method = "client_secret_basic";
  if (auto e = read_string(body, "token_endpoint_auth_method", m.token_endpoint_auth_method)) return e;
  const auto& method = m.token_endpoint_auth_method;
  if (method != "client_secret_basic" && method != "client_secret_post" && method != "none")
    return fail(invalid_metadata, "token_endpoint_auth_method " + echo(method) + " is not supported");
  return std::nullopt;
}

Outcome check_scope(const json::Json& body, ClientMetadata& m) {
  if (auto e = read_string(body, "scope", m.scope)) return e;
  if (m.scope.empty()) return std::nullopt;
  if (m.scope.size() > app::max_registration_scope_length)
    return fail(invalid_metadata, "scope is longer than " + std::to_string(app::max_registration_scope_length) + " characters");
  if (!is_valid_scope(m.scope))
    return fail(invalid_metadata, "scope " + echo(m.scope) + " is not a space-separated list of scope tokens");
  return std::nullopt;
}

}  // namespace

bool is_valid_scope(std::string_view scope) {
  if (scope.empty()) return false;
  bool token_started = false;
  for (const char ch : scope) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ') {
      if (!token_started) return false;  // leading or doubled space
      token_started = false;
    } else if (c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E)) {
      token_started = true;
    } else {
      return false;
    }
  }
  return token_started;  // no trailing space
}

base::Result<ClientMetadata, MetadataError> parse_client_metadata(const json::Json& body) {
  if (!body.is_object()) return base::Err{fail(invalid_metadata, "the registration request must be a JSON object")};
  ClientMetadata m;
  if (auto e = check_redirect_uris(body, m)) return base::Err{std::move(*e)};
  if (auto e = check_client_name(body, m)) return base::Err{std::move(*e)};
  for (auto [field, out] : {std::pair<std::string_view, std::string*>{"client_uri", &m.client_uri},
                            {"logo_uri", &m.logo_uri},
                            {"policy_uri", &m.policy_uri},
                            {"tos_uri", &m.tos_uri}}) {
    if (auto e = check_web_url(body, field, *out)) return base::Err{std::move(*e)};
  }
  if (auto e = check_contacts(body, m)) return base::Err{std::move(*e)};
  if (auto e = check_grant_and_response_types(body, m)) return base::Err{std::move(*e)};
  if (auto e = check_auth_method(body, m)) return base::Err{std::move(*e)};
  if (auto e = check_scope(body, m)) return base::Err{std::move(*e)};
  return m;
}

}  // namespace oauth
