// POST /register: dynamic client registration (RFC 7591).
//
// Contract:
// 1. Body: application/json within the body limit (413), an object (400 invalid_client_metadata);
//    metadata rules in oauth/client_metadata.hpp; errors per §3.2.2 with no-store.
// 2. A confidential client (any method but "none") gets a 32-character secret, returned once in
//    the 201 reply and stored only as its SHA-256 (hex); `client_secret_expires_at` 0 (never).
// 3. The record is written under `client:{clientId}` in the reference layout before the reply.
#pragma once

#include "app/request_context.hpp"
#include "async/task.hpp"
#include "host/host.hpp"
#include "http/message.hpp"

namespace oauth {

async::Task<http::Response> handle_register(const http::Request& request, host::Host& host,
                                            const app::RequestContext& ctx);

}  // namespace oauth
