#include "app/home_page.hpp"

#include <algorithm>

#include "http/html.hpp"
#include "oauth/responses.hpp"

namespace app {

http::Response home_page(const std::string& origin) {
  const std::string o = http::html_escape(origin);
  const std::string body =
      "<h1>Remote MCP server with GitHub sign-in</h1>"
      "<p>A <a href=\"https://modelcontextprotocol.io\">Model Context Protocol</a> server on Cloudflare Workers, "
      "written in C++. MCP clients sign you in with GitHub, then call its tools: <code>add</code>, "
      "<code>userInfoOctokit</code> (your GitHub profile) and, for allowed accounts, <code>generateImage</code>.</p>"
      "<h2>Endpoints</h2><ul>"
      "<li>Streamable HTTP: <code>" + o + "/mcp</code></li>"
      "<li>HTTP+SSE (older clients): <code>" + o + "/sse</code></li>"
      "<li>OAuth metadata: <code>" + o + "/.well-known/oauth-authorization-server</code></li></ul>"
      "<h2>Connect</h2>"
      "<p><strong>MCP Inspector:</strong> <code>npx @modelcontextprotocol/inspector</code>, transport "
      "Streamable HTTP, URL <code>" + o + "/mcp</code>; it opens the sign-in for you.</p>"
      "<p><strong>Claude Desktop, Cursor</strong> (through <code>mcp-remote</code>):</p>"
      "<pre><code>{\n  \"mcpServers\": {\n    \"github-mcp\": {\n      \"command\": \"npx\",\n"
      "      \"args\": [\"mcp-remote\", \"" + o + "/sse\"]\n    }\n  }\n}</code></pre>"
      "<p class=\"muted\">No credential is stored on your machine: the client holds a token for this server only.</p>";
  http::Response r = oauth::html_page(200, "Remote MCP server", body);
  r.headers.erase(std::remove_if(r.headers.begin(), r.headers.end(),
                                 [](const http::Header& h) { return h.first == "cache-control" || h.first == "pragma"; }),
                  r.headers.end());
  r.set("cache-control", "public, max-age=300");
  return r;
}

}  // namespace app
