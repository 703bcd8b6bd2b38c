#include "oauth/store.hpp"

#include "app/limits.hpp"
#include "http/html.hpp"
#include "oauth/client_id_document.hpp"
#include "oauth/grant_state.hpp"
#include "wire/reader_writer.hpp"

namespace oauth {

using json::Json;

bool is_storable_key(std::string_view key) {
  return !key.empty() && key.size() <= max_kv_key_bytes && http::is_valid_utf8(key);
}

std::string client_key(std::string_view client_id) { return "client:" + std::string(client_id); }
std::string grant_key(std::string_view user_id, std::string_view grant_id) {
  return "grant:" + std::string(user_id) + ":" + std::string(grant_id);
}
std::string token_key(std::string_view user_id, std::string_view grant_id, std::string_view token_id) {
  return "token:" + std::string(user_id) + ":" + std::string(grant_id) + ":" + std::string(token_id);
}

namespace {
std::string string_field(const Json& record, const char* name) {
  const std::string* s = json::get_string(record, name);
  return s ? *s : std::string();
}
}  // namespace

std::string Client::id() const { return string_field(record, "clientId"); }
std::string Client::name() const { return string_field(record, "clientName"); }

std::vector<std::string> Client::redirect_uris() const {
  std::vector<std::string> out;
  if (const Json* uris = json::find(record, "redirectUris"); uris && uris->is_array())
    for (const Json& u : *uris)
      if (u.is_string()) out.push_back(u.get_ref<const std::string&>());
  return out;
}

std::string Client::auth_method() const {
  std::string m = string_field(record, "tokenEndpointAuthMethod");
  return m.empty() ? "client_secret_basic" : m;
}

const std::string* Client::secret_hash() const { return json::get_string(record, "clientSecret"); }

bool Client::allows_grant_type(std::string_view grant_type) const {
  const Json* types = json::find(record, "grantTypes");
  if (!types || !types->is_array()) return grant_type == "authorization_code" || grant_type == "refresh_token";
  auto has = [&](std::string_view g) {
    for (const Json& t : *types)
      if (t.is_string() && t.get_ref<const std::string&>() == g) return true;
    return false;
  };
  // As workers-oauth-provider 1.2.3: refreshing belongs to the code flow, so a client registered
  // for authorization_code may refresh (its records default grantTypes to ["authorization_code"]).
  return has(grant_type) || (grant_type == "refresh_token" && has("authorization_code"));
}

async::Task<HostResult<std::optional<Json>>> get_json(host::Host& host, std::string key) {
  if (!is_storable_key(key)) co_return std::optional<Json>();
  host::OpResult r = co_await host.perform_one(host::op_kv_get(std::move(key)));
  co_return json_record(std::move(r));
}

HostResult<std::optional<Json>> json_record(host::OpResult r) {
  if (r.status == host::OpStatus::not_found) return std::optional<Json>();
  if (!r.ok()) return base::Err{HostFailure{"kv get"}};
  auto parsed = json::parse(r.bytes);
  if (!parsed.value || !parsed.value->is_object()) return base::Err{HostFailure{"kv record is not a JSON object"}};
  return std::optional<Json>(std::move(*parsed.value));
}

async::Task<HostResult<std::optional<Client>>> get_client(host::Host& host, std::string client_id) {
  if (is_client_id_url(client_id)) co_return co_await resolve_client_id_document(host, std::move(client_id));
  // Ours are 16 characters: a longer id is unknown, and is not read (KV refuses keys over 512 bytes).
  if (client_id.size() > app::max_client_id_length) co_return std::optional<Client>();
  auto record = co_await get_json(host, client_key(client_id));
  if (!record) co_return base::Err{record.error()};
  if (!*record) co_return std::optional<Client>();
  Client c{std::move(**record)};
  if (c.id() != client_id) co_return std::optional<Client>();  // a record under the wrong key is no client
  co_return std::optional<Client>(std::move(c));
}

std::string grant_key_metadata(const Json& grant) {
  Json meta{{"clientId", grant.contains("clientId") ? grant["clientId"] : Json("")}};
  if (grant.contains("resource")) meta["resource"] = grant["resource"];
  if (grant.contains("redirectUri")) meta["redirectUri"] = grant["redirectUri"];
  std::string text = json::dump(meta);
  return text.size() <= app::kv_max_metadata_bytes ? text : std::string();
}

host::Operation op_list_first_page(std::string prefix) {
  return host::op_kv_list(std::move(prefix), std::string(), app::kv_list_page_size);
}

async::Task<HostResult<std::vector<ListedKey>>> list_keys_from(host::Host& host, std::string prefix, host::OpResult page) {
  std::vector<ListedKey> names;
  std::string cursor;
  for (int n = 1;; ++n) {
    if (!page.ok()) co_return base::Err{HostFailure{"kv list"}};
    wire::Reader reader(page.bytes);
    std::uint8_t complete = 0;
    std::uint32_t count = 0;
    if (!reader.u8(complete) || !reader.bytes(cursor) || !reader.u32(count)) co_return base::Err{HostFailure{"kv list reply"}};
    for (std::uint32_t i = 0; i < count; ++i) {
      ListedKey key;
      if (!reader.bytes(key.name) || !reader.bytes(key.metadata)) co_return base::Err{HostFailure{"kv list reply"}};
      // KV lists only names under the prefix; a reply that breaks that is not acted on (callers
      // cut the prefix off, and revoke_grant deletes what is listed). Found by fuzzing.
      if (key.name.size() < prefix.size() || key.name.compare(0, prefix.size(), prefix) != 0) continue;
      names.push_back(std::move(key));
    }
    if (complete || n >= app::kv_list_max_pages) co_return names;
    page = co_await host.perform_one(host::op_kv_list(prefix, cursor, app::kv_list_page_size));
  }
}

async::Task<HostResult<std::vector<ListedKey>>> list_keys(host::Host& host, std::string prefix) {
  host::OpResult first = co_await host.perform_one(op_list_first_page(prefix));
  co_return co_await list_keys_from(host, std::move(prefix), std::move(first));
}

async::Task<HostResult<bool>> revoke_grant(host::Host& host, std::string user_id, std::string grant_id,
                                           std::int64_t now_s, app::AuthCache* cache) {
  if (cache) cache->forget_grant(user_id, grant_id);
  // Kept past any refresh token's life, so a stale KV mirror can never bring the grant back.
  auto marked = co_await mark_revoked(host, grant_key(user_id, grant_id), now_s + app::revoked_grant_memory_seconds);
  if (!marked) co_return base::Err{marked.error()};
  // The tokens, then the KV grant last: a grant left in KV by a failure here is the mark of a
  // cleanup still to do, which whoever meets it finishes (rule 3).
  auto tokens = co_await list_keys(host, "token:" + user_id + ":" + grant_id + ":");
  if (!tokens) co_return base::Err{tokens.error()};
  std::vector<host::Operation> deletes;
  for (auto& key : *tokens) deletes.push_back(host::op_kv_delete(std::move(key.name)));
  auto results = co_await host.perform(std::move(deletes));
  for (const auto& r : results)
    if (!r.ok()) co_return base::Err{HostFailure{"kv delete"}};
  host::OpResult grant = co_await host.perform_one(host::op_kv_delete(grant_key(user_id, grant_id)));
  if (!grant.ok()) co_return base::Err{HostFailure{"kv delete"}};
  // Again: a check that read a token record before the deletes cannot have cached it (epoch).
  if (cache) cache->forget_grant(user_id, grant_id);
  co_return true;
}

}  // namespace oauth
