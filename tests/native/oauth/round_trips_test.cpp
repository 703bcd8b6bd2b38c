// The round trips of a whole sign-in (docs/performance.md "OAuth flow"): independent operations
// travel in one batch, so each step costs the shim as few turns (decode, perform, encode, resume)
// as its dependencies allow. Each number below is one round trip; its value, the batch's size.
#include <catch2/catch.hpp>

#include <vector>

#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"

using Batches = std::vector<std::size_t>;

namespace {

// The batches `step` parked, in order.
template <class Step>
Batches batches_of(fake::FakeHost& fh, Step step) {
  fh.batch_sizes.clear();
  step();
  return fh.batch_sizes;
}

}  // namespace

TEST_CASE("a whole sign-in takes 23 round trips (43 before batching and the signed state cookie) once the isolate's keys are derived", "[oauth][performance]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  fake::script_github(fh);
  // A first sign-in derives the isolate's consent, approvals and GitHub state keys (one HMAC each, cached).
  {
    const auto first = flow::register_public(app, fh, "First");
    REQUIRE(flow::exchange(app, fh, flow::code_for(app, fh, first.client_id), first.client_id).status == 200);
  }

  flow::Registered client;
  // POST /register: the rate limiter, the client id, the record.
  REQUIRE(batches_of(fh, [&] { client = flow::register_public(app, fh, "Second"); }) == Batches{1, 1, 1});
  // GET /authorize: the client; the consent request's MAC with the CSRF token.
  flow::Consent consent;
  REQUIRE(batches_of(fh, [&] { consent = flow::open_consent(app, fh, client.client_id); }) == Batches{1, 2});
  // POST /authorize (Approve): the consent request's MAC; the approvals cookie's MAC with the
  // GitHub state; the state cookie's MAC (no KV: github/sign_in.hpp rule 1).
  flow::ToGitHub g;
  REQUIRE(batches_of(fh, [&] {
            g = flow::read_to_github(flow::submit_consent(app, fh, consent.request, consent.csrf, "approve", consent.csrf_cookie));
          }) == Batches{1, 2, 1});
  // GET /callback: the state cookie's MAC; GitHub's token and user; one
  // draw for the grant id, props key and code; the props sealed with the code's id and KEK; the
  // key wrapped; the grant stored with the user's grants listed.
  http::Response back;
  REQUIRE(batches_of(fh, [&] { back = flow::callback(app, fh, g); }) == Batches{1, 1, 1, 1, 3, 1, 2});
  REQUIRE(back.status == 302);
  // POST /token: the rate limiter; the client; the grant (object and KV) with the code's id and
  // KEK, two secrets and the PKCE hash; the props key unwrapped with both new tokens' ids and KEKs;
  // both wraps; the access token's record; the swap; the KV mirror.
  const std::string code = fake::query_value(flow::header_or_empty(back, "location"), "code");
  http::Response tokens;
  REQUIRE(batches_of(fh, [&] { tokens = flow::exchange(app, fh, code, client.client_id); }) ==
          Batches{1, 1, 6, 5, 2, 1, 1, 1});
  REQUIRE(tokens.status == 200);
}

TEST_CASE("a refresh takes 6 round trips after the rate limiter and the client", "[oauth][performance][refresh]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  const auto signed_in = fake::sign_in(app, fh);
  fh.batch_sizes.clear();
  auto r = fh.run(app, fake::post_form("/token", "grant_type=refresh_token&refresh_token=" +
                                                     http::form_encode(signed_in.refresh_token) +
                                                     "&client_id=" + http::form_encode(signed_in.client_id)));
  REQUIRE(r.status == 200);
  // The rate limiter; the client; the grant with the token's id and KEK and two secrets; the
  // unwrap with the new tokens' ids and KEKs; both wraps; the access token; the swap; the mirror.
  REQUIRE(fh.batch_sizes == Batches{1, 1, 5, 5, 2, 1, 1, 1});
}
