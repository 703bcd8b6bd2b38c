// GET / : what this server is, where its MCP endpoints are, and how to connect.
#pragma once

#include <string>

#include "http/message.hpp"

namespace app {

// `origin`: the server's own origin, as the Host guard established it.
http::Response home_page(const std::string& origin);

}  // namespace app
