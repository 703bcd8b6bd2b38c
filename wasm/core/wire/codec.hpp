// The boundary encoding: how requests, operations, results and responses cross between the JS
// shim and the core (docs/boundary.md has the byte layouts; worker-shim/http_codec.js mirrors it).
//
// Contract:
// 1. Little-endian fixed-width integers; byte strings as u32 length + bytes. Nothing else.
// 2. A Reader never reads past its end: every read reports failure instead, and a decoder that saw
//    a failure returns nullopt. Input from the shim is still treated as untrusted.
// 3. Encoders never fail.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.hpp"
#include "app/request_context.hpp"
#include "host/operation.hpp"
#include "http/message.hpp"
#include "wire/reader_writer.hpp"

namespace wire {

struct DecodedRequest {
  http::Request request;
  app::RequestContext context;
};

std::optional<DecodedRequest> decode_request(std::string_view in);
std::optional<app::EnvEntries> decode_env(std::string_view in);
std::optional<std::vector<host::OpResult>> decode_results(std::string_view in, std::size_t expected);

// Output after a run step: state 0 = operations parked, 1 = response ready.
std::string encode_parked(const std::vector<host::Operation>& ops);
std::string encode_response(const http::Response& response);

// The shim's side, used by native tests and fuzzers to produce what the shim produces.
std::string encode_request(const http::Request& request, const app::RequestContext& ctx);
std::string encode_env(const app::EnvEntries& env);
std::string encode_results(const std::vector<host::OpResult>& results);

}  // namespace wire
