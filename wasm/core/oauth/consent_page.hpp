// The consent page /authorize shows before the GitHub sign-in (MCP Security Best Practices,
// "Confused Deputy Problem": a proxy server must get the user's consent per client).
//
// Contract:
// 1. It names the client (its self-chosen name, said to be unverified, and its client id), where
//    the browser returns (the redirect URI of this request, and every registered one when there
//    are several), the resource the token will be for, the scopes the client asked for, and what
//    the user grants: calling this server's tools as them, for at most the refresh lifetime, with
//    a GitHub sign-in that asks only for `github::requested_scope`.
// 2. One form POSTing to /authorize with the signed request and the CSRF token as hidden fields,
//    and two submit buttons named `action`: Deny (value "deny") then Approve (value "approve").
//    Nothing else on the page is focusable before them, so Tab reaches them first.
// 3. Every text is escaped here (http::html_escape); the page itself comes from oauth::html_page
//    (security headers, stylesheet with light and dark schemes and visible focus rings).
#pragma once

#include <string>

#include "oauth/auth_request.hpp"
#include "oauth/store.hpp"

namespace oauth {

struct ConsentView {
  const Client& client;
  const AuthRequest& request;
  const std::string& origin;          // this server's origin
  const std::string& signed_request;  // the validated request, signed (hidden field `request`)
  const std::string& csrf;            // the double-submit token (hidden field `csrf`)
};

// The page's <title>: "Authorize <client name or id>".
std::string consent_title(const Client& client);
// The page's body markup, for html_page.
std::string consent_html(const ConsentView& view);

}  // namespace oauth
