// The application: every request enters here.
//
// Contract:
// 1. One App per module instance, made once from the environment; `handle` may run for many
//    requests at once (each with its own Host), so App holds no per-request state.
// 2. Order for every request: parse the URL, guard Host (403) and Origin (403 except on the public
//    OAuth routes), answer CORS preflights, route, add CORS headers (app/cors.hpp). MCP routes then
//    pass the one authentication gate (oauth/bearer.hpp) before their handler; the OAuth routes
//    (discovery, /register, /authorize, /callback, /token) are the way to a token.
// 3. `handle` always produces a response; nothing a client sends can abort.
// 4. Every response carries its request log line (`Response::log`, app/request_log.hpp); the
//    driver writes it out.
#pragma once

#include "app/auth_cache.hpp"
#include "app/config.hpp"
#include "app/request_context.hpp"
#include "app/sessions.hpp"
#include "async/task.hpp"
#include "host/host.hpp"
#include "http/message.hpp"
#include "http/url.hpp"
#include "mcp/server.hpp"
#include "tools/registry.hpp"

namespace app {

class App {
 public:
  explicit App(Config config);
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  async::Task<http::Response> handle(const http::Request& request, const RequestContext& ctx, host::Host& host);

  const Config& config() const { return config_; }

 private:
  async::Task<http::Response> respond(const http::Request& request, const std::optional<http::UrlParts>& url,
                                      const RequestContext& ctx, host::Host& host);
  async::Task<http::Response> route(const http::Request& request, const http::UrlParts& url,
                                    const std::string& own_origin, const RequestContext& ctx, host::Host& host);

  Config config_;
  AuthCache auth_cache_;
  tools::ToolRegistry tools_;
  mcp::Server server_;
  DerivedKeys keys_;
};

}  // namespace app
