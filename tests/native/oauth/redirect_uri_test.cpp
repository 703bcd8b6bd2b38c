#include "oauth/redirect_uri.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

bool accepted(std::string_view uri) { return !oauth::redirect_uri_problem(uri); }

std::string problem(std::string_view uri) {
  auto p = oauth::redirect_uri_problem(uri);
  return p ? *p : std::string("(accepted)");
}

// RFC 6749 §5.2 error_description characters.
bool description_safe(const std::string& s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

TEST_CASE("redirect URIs a client may register", "[oauth][redirect]") {
  for (const char* ok : {
           "https://x/",
           "https://a.example/cb",
           "https://a.example:8443/oauth/callback?tenant=1&x=%20",
           "HTTPS://A.example/cb",
           "http://127.0.0.1:3000/cb",
           "http://127.0.0.1/cb",
           "http://127.255.10.1:65535/",
           "http://localhost:6274/oauth/callback",
           "http://localhost",
           "http://app.localhost/cb",
           "http://[::1]/cb",
           "http://[::1]:33418/callback",
           "cursor://anysphere.cursor-retrieval/oauth/user-x/callback",
           "vscode://vscode.github-authentication/did-authenticate",
           "claude://oauth/callback",
           "com.example.app:/cb",
           "com.example.app:/oauth2redirect/example-provider",
           "myapp:///callback",
       }) {
    INFO(ok << " -> " << problem(ok));
    REQUIRE(accepted(ok));
  }
}

TEST_CASE("dangerous schemes are refused however they are spelled", "[oauth][redirect]") {
  for (const std::string bad : {
           "javascript:alert(1)",
           "JAVASCRIPT:alert(1)",
           "JavaScript:alert(1)",
           " javascript:x",
           "javascript:x ",
           "\tjavascript:x",
           "java\tscript:x",
           "java\nscript:x",
           "\x01javascript:x",
           "javascript\r:x",
           "javascript://example.com/%0Aalert(1)",
           "data:text/html,<script>alert(1)</script>",
           "DATA:text/html;base64,PHNjcmlwdD4=",
           "vbscript:msgbox(1)",
           "file:///etc/passwd",
           "blob:https://a.example/uuid",
           "about:blank",
           "filesystem:https://a.example/temporary/x",
           "view-source:https://a.example/",
           "mailto:a@example.com",
       }) {
    INFO(bad << " -> " << problem(bad));
    REQUIRE_FALSE(accepted(bad));
  }
  REQUIRE(problem("JAVASCRIPT:alert(1)") == "uses the refused scheme 'javascript'");
  REQUIRE(problem(" javascript:x") == "uses the refused scheme 'javascript'");
  REQUIRE(problem("java\tscript:x") == "uses the refused scheme 'javascript'");
  REQUIRE(problem("Data:x") == "uses the refused scheme 'data'");
  REQUIRE(problem(std::string("javascript\0:x", 13)) == "uses the refused scheme 'javascript'");
}

TEST_CASE("fragments, userinfo, plain http and missing hosts are refused", "[oauth][redirect]") {
  REQUIRE(problem("https://a.example/cb#frag") == "contains a fragment");
  REQUIRE(problem("https://a.example/cb#") == "contains a fragment");
  REQUIRE(problem("cursor://x/cb#f") == "contains a fragment");
  REQUIRE(problem("https://a@evil.example/cb") == "contains userinfo");
  REQUIRE(problem("https://good.example:pw@evil.example/cb") == "contains userinfo");
  REQUIRE(problem("http://127.0.0.1@evil.example/cb") == "contains userinfo");
  REQUIRE(problem("cursor://user@host/cb") == "contains userinfo");
  REQUIRE(problem("http://evil.example/cb") == "uses http with a host that is not loopback (https is required)");
  for (const char* off_loopback : {"http://127.0.0.1.nip.io/cb", "http://localhost.evil.example/cb", "http://127.1/cb",
                                   "http://0x7f000001/cb", "http://[::2]/cb", "http://10.0.0.1/cb", "http://2130706433/"})
    REQUIRE_FALSE(accepted(off_loopback));
  REQUIRE(problem("https:///cb") == "has no host");
  REQUIRE(problem("https://:443/cb") == "has no host");
  REQUIRE(problem("https:/a.example/cb") == "has no host");
  REQUIRE(problem("https:a.example") == "has no host");
  REQUIRE(problem("https://") == "has no host");
  REQUIRE(problem("http://?x") == "has no host");
}

TEST_CASE("whitespace, controls and odd characters are refused", "[oauth][redirect]") {
  REQUIRE(problem("") == "is empty");
  REQUIRE(problem("https://a.example/c b") == "contains whitespace or control characters");
  REQUIRE(problem("https://a.example/cb ") == "contains whitespace or control characters");
  REQUIRE(problem(" https://a.example/cb") == "contains whitespace or control characters");
  REQUIRE(problem("https://a.example/cb\r\nLocation: x") == "contains whitespace or control characters");
  REQUIRE(problem(std::string("https://a.example/\0", 19)) == "contains whitespace or control characters");
  REQUIRE(problem("https://a.example/\x7F") == "contains whitespace or control characters");
  REQUIRE(problem("https://\xD0\xB0.example/cb") == "contains non-ASCII characters");
  // WHATWG URL reads '\' as '/' in http(s): this is evil.example, not a loopback name.
  REQUIRE(problem("http://evil.example\\.localhost/cb") == "contains characters not allowed in a URI");
  REQUIRE(problem("https://a.example/<script>") == "contains characters not allowed in a URI");
  REQUIRE(problem("https://a.example/\"") == "contains characters not allowed in a URI");
  REQUIRE(problem("https://a.example/%zz") == "contains a malformed percent-escape");
  REQUIRE(problem("https://a.example/%4") == "contains a malformed percent-escape");
  REQUIRE(problem("https://a.example/%") == "contains a malformed percent-escape");
  REQUIRE(problem("https://a.example/%41") == "(accepted)");
  REQUIRE(problem("//a.example/cb") == "has no scheme");
  REQUIRE(problem("/cb") == "has no scheme");
  REQUIRE(problem("1app:/cb") == "has no scheme");
  REQUIRE(problem("a_b:/cb") == "has no scheme");
  REQUIRE(problem("myapp:") == "has nothing after the scheme");
  REQUIRE(problem("myapp://") == "has nothing after the scheme");
}

TEST_CASE("hosts and ports of http(s) redirect URIs", "[oauth][redirect]") {
  REQUIRE(problem("https://a!b.example/cb") == "has an invalid host");
  REQUIRE(problem("https://a%2eexample/cb") == "has an invalid host");
  REQUIRE(problem("https://[::1/cb") == "has an invalid host");
  REQUIRE(problem("https://[]/cb") == "has an invalid host");
  REQUIRE(problem("https://[fe80::1%25eth0]/cb") == "has an invalid host");
  REQUIRE(problem("https://[::1]x/cb") == "has an invalid host");
  REQUIRE(problem("https://a.example:/cb") == "has an invalid port");
  REQUIRE(problem("https://a.example:65536/cb") == "has an invalid port");
  REQUIRE(problem("https://a.example:123456/cb") == "has an invalid port");
  REQUIRE(problem("https://a.example:8x/cb") == "has an invalid port");
  REQUIRE(problem("https://a.example:1:2/cb") == "has an invalid port");
  REQUIRE(problem("https://[2001:db8::1]:443/cb") == "(accepted)");
}

TEST_CASE("redirect URI length limit", "[oauth][redirect]") {
  const std::string prefix = "https://a.example/";
  REQUIRE(accepted(prefix + std::string(2048 - prefix.size(), 'a')));
  REQUIRE(problem(prefix + std::string(2049 - prefix.size(), 'a')) == "is longer than 2048 characters");
  REQUIRE_FALSE(accepted(std::string(100000, 'a')));
}

TEST_CASE("every reason is a valid error_description", "[oauth][redirect]") {
  for (const std::string uri : {"", "javascript:x", "https://a.example/#", "https://a@b/", "http://e.example/", "https://",
                                "https://a b", "https://\xFF", "x", "myapp:", "https://a.example:x/", "https://a!b/",
                                "https://a/%z", "https://a/<"}) {
    auto p = oauth::redirect_uri_problem(uri);
    REQUIRE(p);
    REQUIRE(description_safe(*p));
  }
}

TEST_CASE("redirect URIs match exactly", "[oauth][redirect]") {
  REQUIRE(oauth::redirect_uri_matches("https://a.example/cb", "https://a.example/cb"));
  REQUIRE(oauth::redirect_uri_matches("cursor://x/cb", "cursor://x/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("https://a.example/cb/", "https://a.example/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("https://a.example/CB", "https://a.example/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("https://A.example/cb", "https://a.example/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("https://a.example/cb?x=1", "https://a.example/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("https://a.example/cb.evil.example", "https://a.example/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("https://a.example:443/cb", "https://a.example/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("https://a.example:8443/cb", "https://a.example:443/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("https://a.example/cb#x", "https://a.example/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("", "https://a.example/cb"));
}

TEST_CASE("loopback http redirect URIs match with any port", "[oauth][redirect]") {
  REQUIRE(oauth::redirect_uri_matches("http://127.0.0.1:51234/cb", "http://127.0.0.1/cb"));
  REQUIRE(oauth::redirect_uri_matches("http://127.0.0.1/cb", "http://127.0.0.1:3000/cb"));
  REQUIRE(oauth::redirect_uri_matches("http://localhost:6274/oauth/callback", "http://localhost:3000/oauth/callback"));
  REQUIRE(oauth::redirect_uri_matches("http://[::1]:9/cb?x=1", "http://[::1]/cb?x=1"));
  REQUIRE(oauth::redirect_uri_matches("http://LOCALHOST:1/cb", "http://localhost/cb"));
  // Host, path and query still have to be equal.
  REQUIRE_FALSE(oauth::redirect_uri_matches("http://localhost:3000/cb", "http://127.0.0.1:3000/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("http://127.0.0.2:3000/cb", "http://127.0.0.1:3000/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("http://127.0.0.1:3000/cb2", "http://127.0.0.1/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("http://127.0.0.1:3000/cb?a=1", "http://127.0.0.1/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("http://127.0.0.1:3000/cb#x", "http://127.0.0.1/cb"));
  // Only http loopback, only acceptable URIs.
  REQUIRE_FALSE(oauth::redirect_uri_matches("https://127.0.0.1:3000/cb", "https://127.0.0.1/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("http://127.0.0.1:3000/cb", "https://127.0.0.1/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("http://x@127.0.0.1:3000/cb", "http://127.0.0.1/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("http://127.0.0.1:99999/cb", "http://127.0.0.1/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("http://evil.example:80/cb", "http://evil.example/cb"));
  REQUIRE_FALSE(oauth::redirect_uri_matches("http://127.0.0.1:3000/cb", "http://127.0.0.1:3000\\cb"));
}

TEST_CASE("find_redirect_uri picks the registered URI", "[oauth][redirect]") {
  const std::vector<std::string> registered = {"https://a.example/cb", "http://127.0.0.1/cb", "http://127.0.0.1:4000/cb",
                                               "cursor://x/cb"};
  REQUIRE(oauth::find_redirect_uri("https://a.example/cb", registered) == &registered[0]);
  REQUIRE(oauth::find_redirect_uri("cursor://x/cb", registered) == &registered[3]);
  REQUIRE(oauth::find_redirect_uri("http://127.0.0.1:4000/cb", registered) == &registered[2]);  // exact wins
  REQUIRE(oauth::find_redirect_uri("http://127.0.0.1:5000/cb", registered) == &registered[1]);
  REQUIRE(oauth::find_redirect_uri("https://a.example/cb/", registered) == nullptr);
  REQUIRE(oauth::find_redirect_uri("https://evil.example/cb", registered) == nullptr);
  REQUIRE(oauth::find_redirect_uri("https://a.example/cb", {}) == nullptr);
}

TEST_CASE("web URLs for consent pages", "[oauth][redirect]") {
  REQUIRE_FALSE(oauth::web_url_problem("https://a.example/"));
  REQUIRE_FALSE(oauth::web_url_problem("https://a.example/tos#section-2"));
  REQUIRE_FALSE(oauth::web_url_problem("http://localhost:3000/logo.png"));
  REQUIRE(*oauth::web_url_problem("javascript:alert(1)") == "uses the refused scheme 'javascript'");
  REQUIRE(*oauth::web_url_problem("cursor://x/") == "must use https (or http with a loopback host)");
  REQUIRE(*oauth::web_url_problem("http://evil.example/") ==
          "uses http with a host that is not loopback (https is required)");
  REQUIRE(*oauth::web_url_problem("https://u@a.example/") == "contains userinfo");
  REQUIRE(*oauth::web_url_problem("https://a.example/\"onerror=") == "contains characters not allowed in a URI");
}
