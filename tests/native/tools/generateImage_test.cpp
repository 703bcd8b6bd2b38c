#include "tools/registry.hpp"

#include <catch2/catch.hpp>

#include "app/app.hpp"
#include "app/limits.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

using json::Json;

namespace {

struct Fixture {
  app::App app;
  fake::FakeHost fh;
  std::string session;
  std::vector<std::pair<std::string, std::string>> ai_calls;
  explicit Fixture(std::vector<std::string> allowed, fake::GitHubUser who = {}) : app(config(std::move(allowed))) {
    auto user = fake::sign_in(app, fh, who);
    fh.bearer = user.access_token;
    session = *fake::header(fh.run(app, fake::mcp_post(fake::initialize_body())), "mcp-session-id");
    fh.on_ai = [this](const std::string& model, const std::string& inputs) -> std::optional<std::string> {
      ai_calls.emplace_back(model, inputs);
      if (inputs.find(R"("fail")") != std::string::npos) return std::nullopt;
      return R"({"image":"/9j/AAAA"})";
    };
  }
  static app::Config config(std::vector<std::string> allowed) {
    app::Config c = flow::test_config();
    c.allowed_usernames = std::move(allowed);
    return c;
  }
  Json post(const std::string& body) {
    auto r = fh.run(app, fake::mcp_post(body, {{"mcp-session-id", session}}));
    REQUIRE(r.status == 200);
    return fake::body_json(r);
  }
  Json call(Json arguments) { return post(fake::call_body("tools/call", {{"name", "generateImage"}, {"arguments", std::move(arguments)}})); }
};

}  // namespace

TEST_CASE("generateImage exists only for allow-listed logins, matched case-insensitively", "[tools][generateImage]") {
  Fixture outsider({"hubot"});
  const Json tools = outsider.post(fake::call_body("tools/list"))["result"]["tools"];
  for (const Json& t : tools) REQUIRE(t["name"] != "generateImage");
  REQUIRE(outsider.call({{"prompt", "a cat"}})["error"]["code"] == -32602);
  REQUIRE(outsider.ai_calls.empty());

  Fixture insider({"octocat"}, {"OctoCat", 583231, "The Octocat"});  // GitHub logins are case-insensitive
  const Json listed = insider.post(fake::call_body("tools/list"))["result"]["tools"];
  REQUIRE(listed.size() == 3);
  REQUIRE(listed[2]["name"] == "generateImage");
}

TEST_CASE("generateImage returns a JPEG from flux-1-schnell, steps defaulting to 4", "[tools][generateImage]") {
  Fixture f({"octocat"});
  const Json r = f.call({{"prompt", "a cat"}})["result"];
  REQUIRE_FALSE(r.contains("isError"));
  REQUIRE(r["content"][0] == Json{{"type", "image"}, {"data", "/9j/AAAA"}, {"mimeType", "image/jpeg"}});
  REQUIRE(f.ai_calls.size() == 1);
  REQUIRE(f.ai_calls[0].first == "@cf/black-forest-labs/flux-1-schnell");
  REQUIRE(*json::parse(f.ai_calls[0].second).value == Json{{"prompt", "a cat"}, {"steps", 4}});
}

TEST_CASE("generateImage: an empty prompt, steps out of 4..8 and an AI failure are error results", "[tools][generateImage]") {
  Fixture f({"octocat"});
  REQUIRE(f.call({{"prompt", "   "}})["result"]["isError"] == true);
  REQUIRE(f.call({{"prompt", "x"}, {"steps", 3}})["result"]["isError"] == true);
  REQUIRE(f.call({{"prompt", "x"}, {"steps", 9}})["result"]["isError"] == true);
  REQUIRE(f.call({{"prompt", "x"}, {"steps", 5.5}})["result"]["isError"] == true);
  REQUIRE(f.call(Json::object())["result"]["isError"] == true);
  REQUIRE(f.ai_calls.empty());
  auto failed = f.call({{"prompt", "fail"}})["result"];
  REQUIRE(failed["isError"] == true);
  REQUIRE(failed["content"][0]["text"].get<std::string>().find("Workers AI") != std::string::npos);
}

// limits.hpp max_prompt_length, through the tool's input schema: an error result, the AI not asked.
TEST_CASE("generateImage: a prompt longer than 2048 characters is an error result", "[tools][generateImage][limits]") {
  Fixture f({"octocat"});
  REQUIRE_FALSE(f.call({{"prompt", std::string(app::max_prompt_length, 'p')}})["result"].contains("isError"));
  auto r = f.call({{"prompt", std::string(app::max_prompt_length + 1, 'p')}})["result"];
  REQUIRE(r["isError"] == true);
  REQUIRE(r["content"][0]["text"].get<std::string>().find("prompt") != std::string::npos);
  REQUIRE(f.ai_calls.size() == 1);
}
