#include "oauth/consent_page.hpp"

#include "app/limits.hpp"
#include "github/sign_in.hpp"
#include "http/html.hpp"
#include "http/url.hpp"
#include "oauth/token_endpoint.hpp"

namespace oauth {

namespace {

std::string display_name(const Client& client) {
  return client.name().empty() ? "An unnamed MCP client" : client.name();
}

std::string code(const std::string& text) { return "<code>" + http::html_escape(text) + "</code>"; }

bool is_loopback_url(const std::string& url) {
  auto parts = http::split_url(url);
  return parts && http::is_loopback_host(http::host_of_authority(parts->authority));
}

std::string server_name(const std::string& origin) {
  auto parts = http::split_url(origin);
  return parts ? parts->authority : origin;
}

// A shield with a check mark, drawn in the text colour (decorative).
constexpr const char* shield_icon =
    "<svg aria-hidden=\"true\" width=\"20\" height=\"20\" viewBox=\"0 0 24 24\" fill=\"none\" stroke=\"currentColor\" "
    "stroke-width=\"2\" stroke-linecap=\"round\" stroke-linejoin=\"round\"><path d=\"M12 3l7 3v5c0 4.5-3 8.5-7 "
    "10-4-1.5-7-5.5-7-10V6z\"/><path d=\"M9 12l2 2 4-4\"/></svg>";

std::string grants_list(const std::string& client, const AuthRequest& r) {
  std::string out = "<ul class=\"grants\">";
  out += "<li>Use this server's tools as you, such as reading your GitHub profile</li>";
  out += "<li>Keep this access for up to " + std::to_string(app::refresh_token_ttl_seconds / (24 * 3600)) +
         " days, unless it is revoked</li>";
  if (!r.scope.empty()) {
    out += "<li>Use the scopes it asked for:";
    for (const auto& s : r.scope) out += " " + code(s);
    out += "</li>";
  }
  out += "</ul><p class=\"muted\">You sign in with GitHub next. This server asks GitHub only for " +
         code(github::requested_scope) + " (your profile); " + client +
         " never sees your GitHub password or GitHub token.</p>";
  return out;
}

std::string facts(const Client& client, const AuthRequest& r) {
  std::string out = "<dl class=\"facts\"><dt>Returns to</dt><dd>" + code(r.redirect_uri);
  if (is_loopback_url(r.redirect_uri)) out += "<span class=\"tag\">this computer</span>";
  out += "</dd><dt>Access for</dt><dd>" + code(r.resource) + "</dd>";
  out += "<dt>Client ID</dt><dd>" + code(client.id()) + "</dd>";
  const auto registered = client.redirect_uris();
  if (registered.size() > 1) {
    out += "<dt>Registered</dt><dd><ul>";
    for (const auto& u : registered) out += "<li>" + code(u) + "</li>";
    out += "</ul></dd>";
  }
  return out + "</dl>";
}

// MCP authorization 2025-11-25, "Localhost Redirect URI Risks": a client that can only receive
// codes on this computer may be any program on it; say so before the user approves.
std::string loopback_warning(const Client& client, const AuthRequest& r) {
  if (!is_loopback_url(r.redirect_uri)) return {};
  for (const auto& u : client.redirect_uris())
    if (!is_loopback_url(u)) return {};
  return "<p class=\"note\" role=\"note\"><strong>This client returns only to this computer.</strong> Any program "
         "running on this computer could receive the code at " + code(r.redirect_uri) +
         ". Approve only if you just started this sign-in from an app on this computer.</p>";
}

}  // namespace

std::string consent_title(const Client& client) {
  return "Authorize " + (client.name().empty() ? client.id() : client.name());
}

std::string consent_html(const ConsentView& v) {
  const std::string name = http::html_escape(display_name(v.client));
  const std::string strong_name = "<strong>" + name + "</strong>";
  return "<p class=\"eyebrow\">" + std::string(shield_icon) + "<span>" + http::html_escape(server_name(v.origin)) +
         " &middot; MCP server</span></p>"
         "<h1>Allow " + name + " to use this MCP server?</h1>"
         "<p class=\"lede\">" + strong_name + " is asking to act on your behalf on this server.</p>"
         "<h2>If you approve, " + name + " can</h2>" +
         grants_list(strong_name, v.request) + facts(v.client, v.request) + loopback_warning(v.client, v.request) +
         "<form method=\"post\" action=\"/authorize\">"
         "<input type=\"hidden\" name=\"request\" value=\"" + http::html_escape(v.signed_request) + "\">"
         "<input type=\"hidden\" name=\"csrf\" value=\"" + http::html_escape(v.csrf) + "\">"
         "<div class=\"actions\">"
         "<button type=\"submit\" name=\"action\" value=\"deny\">Deny</button>"
         "<button class=\"primary\" type=\"submit\" name=\"action\" value=\"approve\">Approve</button>"
         "</div></form>"
         "<p class=\"note\">The name " + strong_name + " was chosen by the client itself and is not verified. "
         "Approve only if you started this sign-in from that app yourself.</p>";
}

}  // namespace oauth
