// POST /register: dynamic client registration (RFC 7591).
//
// Contract:
// 1. Body: application/json within the body limit (413), an object (400 invalid_client_metadata);
//    metadata rules in oauth/client_metadata.hpp; errors per §3.2.2 with no-store.
// 2. A confidential client (any method but "none") gets a 32-character secret, returned once in
//    the 201 reply and stored only as its SHA-256 (hex); `client_secret_expires_at` is the
//    registration's end (rule 3).
// 3. The record is written under `client:{clientId}` in the reference layout before the reply. A
//    registration lives 90 days (`registrationExpiresAt`, and the KV TTL) and is renewed by a
//    successful token request past half of that (`renew_registration_if_due`), as 1.2.3's
//    clientRegistrationTTL does: KV cannot be grown without bound by registrations nobody uses.
#pragma once

#include "app/request_context.hpp"
#include "async/task.hpp"
#include "host/host.hpp"
#include "http/message.hpp"
#include "json/json.hpp"

namespace oauth {


async::Task<http::Response> handle_register(const http::Request& request, host::Host& host,
                                            const app::RequestContext& ctx);

// After a successful token request: rewrite the record with a fresh TTL when less than half is left.
// Best effort (the reply is already decided; true when renewed); records without
// `registrationExpiresAt` are left alone.
async::Task<bool> renew_registration_if_due(host::Host& host, const json::Json& client_record, std::int64_t now_s);

}  // namespace oauth
