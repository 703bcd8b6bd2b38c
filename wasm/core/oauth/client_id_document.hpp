// Client ID Metadata Documents: a client_id that is an https URL names its own metadata
// (draft-ietf-oauth-client-id-metadata-document; MCP 2025-11-25 authorization, "Client ID
// Metadata Documents", which prefers them to dynamic registration).
//
// Contract:
// 1. A client_id is a document URL when it is https with a path other than "/". Anything else is a
//    registered client id (oauth/store.hpp).
// 2. SSRF guards before any fetch: https only, default port, no userinfo, no fragment, no dot
//    segments, no IP literal or other spelling of an address (the host must be a plain DNS name
//    whose last label is alphabetic or "xn--"), and no local names (localhost, *.localhost,
//    *.local, *.internal, *.arpa). A name that resolves to a private address is not caught here:
//    `global_fetch_strictly_public` routes fetches as from the public Internet, which is not an
//    address filter (docs/security.md §3). At most 5 KiB, 5 s, no redirects followed.
// 3. The document must be a JSON object whose `client_id` equals the URL exactly, with
//    `redirect_uris` (each acceptable per oauth/redirect_uri.hpp); `client_name` a string if
//    present; `token_endpoint_auth_method` absent or "none" (a document cannot hold a secret);
//    `grant_types` within authorization_code and refresh_token.
// 4. A valid document is cached in KV (`cimd:{sha256(url)}`) for its Cache-Control max-age, clamped
//    to 60 s .. 1 day (5 minutes when unspecified; no-store: not cached), and read as a public
//    client record in the layout of `client:{id}`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "async/task.hpp"
#include "host/host.hpp"
#include "oauth/store.hpp"
#include "oauth/token_crypto.hpp"

namespace oauth {


bool is_client_id_url(std::string_view client_id);
// Why this URL may not be fetched, or nullopt.
std::optional<std::string> client_id_url_problem(std::string_view url);

// The client the document describes; nullopt when the URL may not be fetched, the fetch failed
// or the document is not acceptable (the client is then unknown). Err only for storage failures.
async::Task<HostResult<std::optional<Client>>> resolve_client_id_document(host::Host& host, std::string url);

}  // namespace oauth
