// Completing an authorization: the grant and its single-use code (RFC 6749 §4.1.2), stored as
// @cloudflare/workers-oauth-provider 1.2.3's completeAuthorization stores them.
//
// Contract:
// 1. The grant `grant:{userId}:{grantId}` holds the props encrypted under a fresh key, the code's
//    SHA-256 (`authCodeId`), that key wrapped under the code (`authCodeWrappedKey`), the PKCE
//    challenge, the resource and the exact redirect URI; KV keeps it 10 minutes (the code's life,
//    checked again in code from `createdAt`) with the key metadata 1.2.3 writes.
// 2. Earlier grants of the same user, client and resource are revoked (revokeExistingGrants in
//    1.2.3): a new sign-in replaces the old one instead of accumulating grants.
// 3. The reply is the redirect to the client with `code`, `state` (when sent) and `iss` (RFC 9207).
// 4. A host failure answers a 503 page and leaves at most an unreachable grant (no code was handed
//    out).
#pragma once

#include "async/task.hpp"
#include "host/host.hpp"
#include "http/message.hpp"
#include "json/json.hpp"
#include "oauth/auth_request.hpp"
#include "oauth/context.hpp"

namespace oauth {


async::Task<http::Response> complete_authorization(host::Host& host, const OAuthContext& ctx,
                                                   const AuthRequest& request, std::string user_id,
                                                   json::Json props);

}  // namespace oauth
