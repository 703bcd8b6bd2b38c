// Client metadata (RFC 7591 §2) as POST /register receives it, checked and with defaults filled.
//
// Contract:
// 1. Call with the parsed JSON body of a registration request. The result is either complete
//    metadata ready to store, or the error RFC 7591 §3.2.2 answers with: invalid_redirect_uri
//    for anything about redirect_uris' values (missing, empty, more than 20, or a URI that
//    `redirect_uri_problem` refuses), invalid_client_metadata for everything else, including a
//    wrong JSON type for any known field, redirect_uris too.
// 2. Descriptions name the field ("redirect_uris[2]", "grant_types") and never echo more than
//    100 characters of a sent value, with characters outside RFC 6749 §5.2's error_description
//    set (%x20-21 / %x23-5B / %x5D-7E) shown as '?'.
// 3. Unknown fields are ignored (RFC 7591 §2: the server "MUST ignore any client metadata sent by
//    the client that it does not understand"). Decision: a JSON null counts as an absent field,
//    since some client libraries serialise unset optionals that way; an empty string for one of
//    the optional URIs or the scope counts as absent too.
// 4. Defaults (RFC 7591 §2): grant_types ["authorization_code","refresh_token"] (this server issues
//    refresh tokens, as the reference provider does), response_types ["code"],
//    token_endpoint_auth_method "client_secret_basic" (`auth_method_explicit` says whether the
//    client chose it). Only authorization_code and refresh_token grants, the "code" response
//    type and client_secret_basic, client_secret_post, none are supported; authorization_code
//    is required (RFC 7591 §2.1: response type "code" goes with it).
// 5. Limits: 1-20 redirect URIs; client_name <= 256 bytes without control characters; URIs
//    <= 2048 bytes; contacts <= 10 strings of <= 256 bytes without control characters; scope
//    <= 2048 bytes in RFC 6749 §3.3 syntax (scope-tokens of %x21 / %x23-5B / %x5D-7E separated by
//    single spaces), kept as sent; unknown scopes are tolerated ("openid email profile").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "json/json.hpp"

namespace oauth {

struct ClientMetadata {
  std::vector<std::string> redirect_uris;  // 1..20, each acceptable to redirect_uri_problem
  std::string client_name, client_uri, logo_uri, policy_uri, tos_uri;  // "" when not sent
  std::vector<std::string> contacts;
  std::vector<std::string> grant_types;     // default ["authorization_code","refresh_token"]
  std::vector<std::string> response_types;  // default ["code"]
  std::string token_endpoint_auth_method;   // default "client_secret_basic"
  bool auth_method_explicit = false;        // the client sent token_endpoint_auth_method
  std::string scope;                        // "" when not sent
};

struct MetadataError {
  std::string error;  // "invalid_redirect_uri" or "invalid_client_metadata" (RFC 7591 §3.2.2)
  std::string description;
};

// Limits: app/limits.hpp (max_redirect_uris, max_contacts, max_client_name_length, …).
base::Result<ClientMetadata, MetadataError> parse_client_metadata(const json::Json& body);

// RFC 6749 §3.3: scope = scope-token *( SP scope-token ).
bool is_valid_scope(std::string_view scope);

}  // namespace oauth
