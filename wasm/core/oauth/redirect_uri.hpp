// Redirect URIs: what a client may register (POST /register) and how the redirect_uri presented
// to /authorize and /token is matched against the registered ones.
//
// Contract:
// 1. `redirect_uri_problem` is nullopt for an acceptable URI, else a short reason for an
//    invalid_redirect_uri description (RFC 7591 §3.2.2). Reasons never quote the URI and use only
//    the characters RFC 6749 §5.2 allows in error_description.
// 2. Accepted: https with a host (RFC 6749 §3.1.2.1; OAuth 2.1 §2.3.1); http only with a loopback
//    host, i.e. localhost, *.localhost, 127.0.0.0/8 as a dotted quad, [::1] (RFC 8252 §7.3,
//    §8.3); and private-use schemes (RFC 8252 §7.1). Decision: any RFC 3986 §3.1 scheme other than
//    the refused ones counts as private-use, not only reverse-domain ones ("com.example.app:/cb"),
//    because MCP clients register "cursor://…", "vscode://…" and "claude://…". The registrant
//    chose the URI and gets the code only there, so a non-web scheme gives it nothing a web URL
//    would not; the refused schemes are those that run or read content in the browser's current
//    context: about, blob, data, file, filesystem, javascript, mailto, vbscript, view-source.
// 3. Refused as well: a fragment (RFC 6749 §3.1.2), userinfo (RFC 9700 §4.1.1: "https://a@evil"),
//    whitespace or control characters anywhere (the refused-scheme check also looks through them,
//    so " javascript:", "java\tscript:" and "JAVASCRIPT:" name the scheme), non-ASCII bytes,
//    characters RFC 3986 §2 does not allow ('\' included: WHATWG URL reads it as '/' in http(s),
//    which would move "http://evil\.localhost/" off loopback), malformed percent-escapes, an
//    http(s) host that is neither a reg-name of [A-Za-z0-9-._~] nor an IPv6 literal, a port that
//    is not 1-5 digits up to 65535, and more than 2048 characters.
// 4. `redirect_uri_matches`: exact, case-sensitive string comparison (OAuth 2.1 §4.1.1,
//    RFC 9700 §4.1.3), except that two acceptable loopback http URIs match whatever their ports
//    when host, path and query are equal (RFC 8252 §7.3: native apps bind an ephemeral port).
// 5. `web_url_problem` is the rule for the URLs a consent page shows or links (client_uri,
//    logo_uri, policy_uri, tos_uri): https (or loopback http) with a host, no userinfo, no
//    whitespace; a fragment is allowed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oauth {

std::optional<std::string> redirect_uri_problem(std::string_view uri);
bool redirect_uri_matches(std::string_view presented, std::string_view registered);
// The first registered URI equal to `presented`, else the first one matching by rule 4; nullptr
// when none does. Call at /authorize before anything is redirected (RFC 6749 §4.1.2.1).
const std::string* find_redirect_uri(std::string_view presented, const std::vector<std::string>& registered);

std::optional<std::string> web_url_problem(std::string_view url);

}  // namespace oauth
