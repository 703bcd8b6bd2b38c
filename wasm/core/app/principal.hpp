#pragma once

#include <string>

namespace app {

// Who is calling an MCP route. The authentication gate (app.cpp, `authenticate`) is the only code
// that makes one; session ids are bound to it. Anonymous (both empty) until sign-in exists.
struct Principal {
  std::string user;
  std::string client;
};

}  // namespace app
