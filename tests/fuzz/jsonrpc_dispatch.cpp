// Fuzz target: the JSON-RPC / MCP dispatcher (app/jsonrpc_post.cpp read -> batch rules ->
// dispatch -> mcp/server.cpp -> tools), for a signed-in caller, with every operation a tool asks
// for answered from the input (support/fuzz_host.hpp).
//
// Input:
//   [!user LOGIN\n]      optional: the caller's GitHub login (default octocat, who may use
//                        generateImage; anyone else may not)
//   [!version V\n]       optional: an MCP-Protocol-Version header
//   [!abandon\n]         optional: drop the dispatch, suspended, when the answers run out
//   body                 the POSTed JSON-RPC text
//   \n~~\n answer ...    one per parked operation
//
// Checks: every reply is a JSON-RPC 2.0 response (an id, exactly one of result and error, an
// integer code and a string message in an error) that survives dump and parse.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "app/jsonrpc_post.hpp"
#include "app/principal.hpp"
#include "json/json.hpp"
#include "mcp/server.hpp"
#include "tools/registry.hpp"
#include "support/fuzz_host.hpp"

namespace {

std::string_view take_line(std::string_view& rest) {
  const auto nl = rest.find('\n');
  const auto line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

void check_reply(const json::Json& reply) {
  if (!reply.is_object()) fuzz::fail("a reply that is not an object: " + json::dump(reply));
  const std::string* version = json::get_string(reply, "jsonrpc");
  if (!version || *version != "2.0") fuzz::fail("a reply without jsonrpc 2.0: " + json::dump(reply));
  const json::Json* id = json::find(reply, "id");
  if (!id || !(id->is_null() || id->is_string() || id->is_number_integer()))
    fuzz::fail("a reply id that is not null, a string or an integer: " + json::dump(reply));
  const json::Json* error = json::find(reply, "error");
  if ((error != nullptr) == (json::find(reply, "result") != nullptr))
    fuzz::fail("a reply with both or neither of result and error: " + json::dump(reply));
  if (error && (!error->is_object() || !json::find(*error, "code") || !(*error)["code"].is_number_integer() ||
                !json::get_string(*error, "message")))
    fuzz::fail("a malformed error: " + json::dump(reply));
  const std::string text = json::dump(reply);
  if (!json::parse(text, 1000).value) fuzz::fail("a reply that does not parse back: " + text);
}

// The MCP server as the app builds it (app/app.cpp), made once per process.
const mcp::Server& dispatcher() {
  static const mcp::Server* server = [] {
    auto* tools = new tools::ToolRegistry();
    tools::register_tools(*tools);
    return new mcp::Server(mcp::ServerInfo{}, *tools, *new app::Config(fuzz::fuzz_config(false)));
  }();
  return *server;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto sections = fuzz::split_sections(std::string_view(reinterpret_cast<const char*>(data), size));
  std::string_view rest = sections.front();

  app::Principal caller{"octocat", "client-1", "AAAAAAAAAAAAAAAA", "octocat:AAAAAAAAAAAAAAAA:" + std::string(32, 'A'),
                        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAA"};
  http::Request request;
  request.method = "POST";
  request.url = std::string(fuzz::dev_origin) + "/mcp";
  request.headers = {{"content-type", "application/json"}, {"accept", "application/json, text/event-stream"}};
  bool abandon = false;
  while (!rest.empty() && rest.front() == '!') {
    const auto option = take_line(rest);
    abandon = abandon || option == "!abandon";
    if (option.rfind("!user ", 0) == 0) caller.user = std::string(option.substr(6));
    if (option.rfind("!version ", 0) == 0) request.headers.emplace_back("mcp-protocol-version", std::string(option.substr(9)));
  }
  request.body = std::string(rest);

  auto post = app::read_jsonrpc_post(request);
  if (!post) {
    fuzz::check_response(post.error());
    return 0;
  }
  if (auto refused = app::batch_refusal(*post)) {
    fuzz::check_response(*refused);
    return 0;
  }
  const mcp::Server& server = dispatcher();
  fuzz::FuzzHost fuzz_host({sections.begin() + 1, sections.end()}, abandon);
  host::Host host;
  auto task = app::dispatch(server, *post, host, caller, fuzz::fuzz_now_ms);
  auto* result = fuzz_host.drive(task, host);
  if (!result) return 0;  // abandoned: `task` is destroyed suspended
  auto& done = *result;
  if (!done) {
    fuzz::check_response(done.error());
    return 0;
  }
  if (!done->replies.is_array()) fuzz::fail("replies that are not an array");
  if (fuzz::verbose()) std::fprintf(stderr, "replies %s\n", json::dump(done->replies).c_str());
  for (const json::Json& reply : done->replies) check_reply(reply);
  if (!post->batch && done->replies.size() > 1) fuzz::fail("several replies to one message");
  return 0;
}
