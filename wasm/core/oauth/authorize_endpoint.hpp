// /authorize: the authorization endpoint (RFC 6749 §4.1.1, OAuth 2.1 §4.1, RFC 7636, RFC 8707).
//
// Contract:
// 1. GET validates in this order. A missing secret -> a configuration page (500); nobody is
//    signed in. Unknown client or a redirect_uri it did not register (loopback: any port, RFC 8252
//    §7.3) -> an error page, never a redirect (§4.1.2.1). After that, errors redirect to the
//    client with `error`, `state` and `iss` (RFC 9207): repeated parameters -> invalid_request;
//    response_type other than code -> unsupported_response_type; no code_challenge, or a method
//    other than S256 ("plain" refused) -> invalid_request; a resource that is not this origin or a
//    path under it -> invalid_target (missing = the origin).
// 2. A client the browser approved before (the signed approvals cookie) goes straight to GitHub;
//    otherwise the consent page (oauth/consent_page.hpp: the client's name, id and redirect URIs,
//    the resource, what is granted; Deny and Approve); a CSRF token in a `__Host-` cookie and the
//    form (double submit); the validated request signed into the form, valid 10 minutes.
// 3. POST (the consent form): CSRF and signature checked (403 / 400 pages); Deny -> access_denied
//    to the client; Approve -> remember the client (most recent 10) and go to GitHub.
#pragma once

#include "async/task.hpp"
#include "host/host.hpp"
#include "http/message.hpp"
#include "http/url.hpp"
#include "oauth/context.hpp"

namespace oauth {

inline constexpr const char* csrf_cookie = "__Host-mcp-csrf";
inline constexpr const char* approvals_cookie = "__Host-mcp-approved";

async::Task<http::Response> handle_authorize(const http::Request& request, const http::UrlParts& url,
                                             host::Host& host, const OAuthContext& ctx);

}  // namespace oauth
