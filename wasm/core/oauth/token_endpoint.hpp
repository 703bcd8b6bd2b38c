// POST /token (RFC 6749 §3.2, §4.1.3; OAuth 2.1 §4.1.3; RFC 7636 §4.5-4.6).
//
// Contract:
// 1. application/x-www-form-urlencoded only; a parameter given twice -> invalid_request.
// 2. Client authentication as the client registered: client_secret_basic (RFC 6749 §2.3.1, the
//    credentials form-decoded), client_secret_post, or none (client_id only); a confidential client
//    that did not name its method (1.2.3's authMethodExplicit) may use either secret method. A wrong or missing
//    secret, an unknown client, or another method than registered -> 401 invalid_client (with a
//    Basic challenge when Basic was tried). Secrets compare as SHA-256 in constant time.
// 3. authorization_code: the code has the issued shape, its grant exists, its SHA-256 matches the
//    grant's in constant time, the grant is this client's and younger than 10 minutes, the
//    redirect_uri, when sent, equals the one of that authorization request (every code is bound by
//    PKCE, so it may be omitted, as in workers-oauth-provider 1.2.3), the code_verifier is 43-128
//    unreserved characters and its S256 matches. A code presented again (its grant already
//    redeemed) revokes the grant and everything issued from it (RFC 6749 §4.1.2).
// 4. refresh_token (RFC 6749 §6, rotated as OAuth 2.1 §4.3.1 asks): the grant's current or
//    just-replaced refresh token, from the grant's client, before the grant expires; `scope` may
//    only narrow. Each use issues a new refresh token and keeps the presented one as "previous";
//    a token that falls out of that window after having been used is retired, and presenting a
//    retired one revokes the grant (reuse detection, RFC 9700 §4.14.2).
// 5. Revocation (RFC 7009 §2): `token` without grant_type, after client authentication (401
//    invalid_client when it fails; 400 without `token`). 200 for any token, including unknown or
//    another client's (which stays valid). An access token ends alone; a refresh token (current or
//    previous) ends its grant and every token of it.
// 6. Success: an access token bound to the grant's resource, expiring after ACCESS_TOKEN_TTL
//    (checked in code; KV keeps it at least 60 s), and a refresh token; the grant is rewritten
//    without its code, in the reference layout. Errors per §5.2, always no-store.
// 7. A code exchange or refresh asks for everything that depends on the request alone (the grant,
//    the presented token's id and KEK, the new secrets, the PKCE hash) in one round trip, then
//    unwraps and mints both new tokens in two more (oauth/token_crypto.hpp rule 6); the checks
//    read those results in the order above, so no answer depends on the batching.
#pragma once

#include "async/task.hpp"
#include "host/host.hpp"
#include "http/message.hpp"
#include "oauth/context.hpp"

namespace oauth {

async::Task<http::Response> handle_token(const http::Request& request, host::Host& host, const OAuthContext& ctx);

}  // namespace oauth
