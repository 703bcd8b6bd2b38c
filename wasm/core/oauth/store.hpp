// The OAuth records in Workers KV, in the layout of @cloudflare/workers-oauth-provider 1.2.3
// (docs/storage-schema.md): `client:{clientId}`, `grant:{userId}:{grantId}`,
// `token:{userId}:{grantId}:{tokenId}`.
//
// Contract:
// 1. Records are JSON objects; fields this server does not know are kept when it rewrites one.
// 2. Reads distinguish "absent" (nullopt value) from "storage failed" (Err): a failure is never
//    taken for an absence.
// 3. `revoke_grant` marks the grant revoked in its Durable Object (final at once for every code
//    exchange and refresh, oauth/grant_state.hpp), deletes its tokens from KV, then the KV grant.
//    A failure in between never leaves a grant that can mint tokens; it leaves the KV grant (and
//    maybe access tokens, which expire by themselves within ACCESS_TOKEN_TTL), and that grant is
//    how the cleanup gets finished: a retry, a re-authorization (which lists the user's grants) or
//    any /token request that reads the grant (`GrantSnapshot::cleanup_pending`) runs it again.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/auth_cache.hpp"
#include "async/task.hpp"
#include "host/host.hpp"
#include "json/json.hpp"
#include "oauth/token_crypto.hpp"

namespace oauth {

// Workers KV keys are at most 512 bytes, and the shim hands keys over as UTF-8 text. A key outside
// that holds no record: readers answer "absent" without asking (KV would throw, and the client
// would get a 503 for sending a 600-byte client_id). Found by fuzzing (docs/security.md).
inline constexpr std::size_t max_kv_key_bytes = 512;
bool is_storable_key(std::string_view key);

std::string client_key(std::string_view client_id);
std::string grant_key(std::string_view user_id, std::string_view grant_id);
std::string token_key(std::string_view user_id, std::string_view grant_id, std::string_view token_id);

// A registered client, as read from `client:{id}`.
struct Client {
  json::Json record;
  std::string id() const;
  std::vector<std::string> redirect_uris() const;
  std::string name() const;                  // clientName, or "" when unnamed
  std::string auth_method() const;           // tokenEndpointAuthMethod (default client_secret_basic)
  const std::string* secret_hash() const;    // clientSecret (hex SHA-256), nullptr for public clients
  // grantTypes (default both); refresh_token also when authorization_code is registered (1.2.3).
  bool allows_grant_type(std::string_view grant_type) const;
};

// The JSON stored under `key`, nullopt when absent (or when `key` is not storable), Err on
// storage failure or unreadable JSON.
async::Task<HostResult<std::optional<json::Json>>> get_json(host::Host& host, std::string key);
// The same, from the reply to an op_kv_get the caller batched with other operations.
HostResult<std::optional<json::Json>> json_record(host::OpResult r);
// A registered client, or, for an https client_id URL, the client its metadata document describes
// (oauth/client_id_document.hpp).
async::Task<HostResult<std::optional<Client>>> get_client(host::Host& host, std::string client_id);

// KV metadata of a grant key: {clientId, resource?, redirectUri?} (grantKeyMetadata in 1.2.3).
std::string grant_key_metadata(const json::Json& grant);

struct ListedKey {
  std::string name;
  std::string metadata;  // the KV metadata's JSON text, "" when none
};
// Every key under `prefix` (all pages), with its metadata; names the reply lists outside the prefix
// are dropped.
async::Task<HostResult<std::vector<ListedKey>>> list_keys(host::Host& host, std::string prefix);
// The same, for a caller that batched the first page's request (`op_list_first_page`) with other
// operations and hands its reply in.
host::Operation op_list_first_page(std::string prefix);
async::Task<HostResult<std::vector<ListedKey>>> list_keys_from(host::Host& host, std::string prefix, host::OpResult first_page);
// `cache`: the isolate's AuthCache, which forgets the grant's tokens before and after the deletes
// (every product caller passes it; only unit tests of the store leave it out).
async::Task<HostResult<bool>> revoke_grant(host::Host& host, std::string user_id, std::string grant_id,
                                           std::int64_t now_s, app::AuthCache* cache = nullptr);

}  // namespace oauth
