#include "oauth/registration_endpoint.hpp"

#include "app/limits.hpp"
#include "http/url.hpp"
#include "oauth/client_metadata.hpp"
#include "oauth/responses.hpp"
#include "oauth/store.hpp"
#include "oauth/token_crypto.hpp"

namespace oauth {

using json::Json;

namespace {

Json optional_string(const std::string& s) { return s.empty() ? Json() : Json(s); }

}  // namespace

async::Task<http::Response> handle_register(const http::Request& request, host::Host& host,
                                            const app::RequestContext& ctx) {
  if (request.method != "POST") {
    http::Response r = json_error(405, "invalid_request", "Register a client with POST");
    r.set("allow", "POST");
    co_return r;
  }
  if (request.body_too_large) co_return json_error(413, "invalid_client_metadata", "The registration request is too large");
  const std::string* type = request.header("content-type");
  if (!type || http::to_lower_ascii(type->substr(0, type->find(';'))).find("application/json") == std::string::npos)
    co_return json_error(415, "invalid_client_metadata", "Content-Type must be application/json");
  auto parsed = json::parse(request.body, app::max_json_depth);
  if (!parsed.value || !parsed.value->is_object())
    co_return json_error(400, "invalid_client_metadata", "The body must be a JSON object");
  auto metadata = parse_client_metadata(*parsed.value);
  if (!metadata) co_return json_error(400, metadata.error().error, metadata.error().description);
  const ClientMetadata& m = *metadata;
  const bool is_public = m.token_endpoint_auth_method == "none";

  // One draw for the id and (a confidential client's) secret.
  std::vector<std::size_t> lengths;
  lengths.push_back(client_id_length);
  if (!is_public) lengths.push_back(token_secret_length);
  auto drawn = co_await random_strings(host, std::move(lengths));
  if (!drawn) co_return unavailable();
  const std::string* client_id = &(*drawn)[0];
  std::string secret;
  std::string secret_hash;
  if (!is_public) {
    secret = (*drawn)[1];
    auto h = co_await sha256_hex(host, secret);
    if (!h) co_return unavailable();
    secret_hash = std::move(*h);
  }
  const std::int64_t now = ctx.now_ms / 1000;

  Json record{{"clientId", *client_id},
              {"redirectUris", m.redirect_uris},
              {"grantTypes", m.grant_types},
              {"responseTypes", m.response_types},
              {"registrationDate", now},
              {"tokenEndpointAuthMethod", m.token_endpoint_auth_method}};
  const std::pair<const char*, const std::string*> optional_fields[] = {
      {"clientName", &m.client_name}, {"clientUri", &m.client_uri}, {"logoUri", &m.logo_uri},
      {"policyUri", &m.policy_uri},   {"tosUri", &m.tos_uri}};
  for (const auto& [name, value] : optional_fields)
    if (!value->empty()) record[name] = *value;
  if (!m.contacts.empty()) record["contacts"] = m.contacts;
  if (m.auth_method_explicit) record["authMethodExplicit"] = true;
  if (!is_public) record["clientSecret"] = secret_hash;
  record["registrationExpiresAt"] = now + app::registration_ttl_seconds;

  host::OpResult stored = co_await host.perform_one(
      host::op_kv_put(client_key(*client_id), json::dump(record), static_cast<std::uint64_t>(app::registration_ttl_seconds)));
  if (!stored.ok()) co_return unavailable();

  Json reply{{"client_id", *client_id},
             {"redirect_uris", m.redirect_uris},
             {"client_name", optional_string(m.client_name)},
             {"grant_types", m.grant_types},
             {"response_types", m.response_types},
             {"token_endpoint_auth_method", m.token_endpoint_auth_method},
             {"client_id_issued_at", now}};
  if (!m.client_uri.empty()) reply["client_uri"] = m.client_uri;
  if (!m.logo_uri.empty()) reply["logo_uri"] = m.logo_uri;
  if (!m.scope.empty()) reply["scope"] = m.scope;
  if (!is_public) {
    reply["client_secret"] = secret;
    reply["client_secret_issued_at"] = now;
    reply["client_secret_expires_at"] = now + app::registration_ttl_seconds;  // the registration's end
  }
  co_return no_store_json(201, reply);
}

async::Task<bool> renew_registration_if_due(host::Host& host, const Json& client_record, std::int64_t now_s) {
  const auto expires = json::get_safe_integer(client_record, "registrationExpiresAt");
  const std::string* id = json::get_string(client_record, "clientId");
  if (!expires || !id) co_return false;
  if (*expires - now_s > app::registration_ttl_seconds / 2) co_return false;
  Json renewed = client_record;
  renewed["registrationExpiresAt"] = now_s + app::registration_ttl_seconds;
  host::OpResult r = co_await host.perform_one(
      host::op_kv_put(client_key(*id), json::dump(renewed), static_cast<std::uint64_t>(app::registration_ttl_seconds)));
  co_return r.ok();
}

}  // namespace oauth
