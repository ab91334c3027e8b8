// An HTTP endpoint for the census (weft/census.hpp), for services that want one: /metrics for
// Prometheus and /debug/weft/threads for people and `weft dump`. In its own library, weft::census_http
// (docs/production.md): a program that does not serve the census links no HTTP code.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

// Default visibility, like the rest of the public API, for a program that links it into a shared library.
#pragma GCC visibility push(default)
namespace weft {

struct census_server_options {
  // The address to listen on. Loopback unless the caller names another one: the census tells what the
  // process runs and where its code is, which is no one else's business.
  std::string address = "127.0.0.1";
  int port = 0;                // 0: any free port; census_server::port() says which
  std::size_t max_sites = 20;  // named sites of /metrics (census_prometheus)
};

// A running endpoint. Serves, on one thread of its own plus one worker thread, until stop() or
// destruction:
//   GET /metrics              census_prometheus(max_sites), text/plain; version=0.0.4
//   GET /debug/weft/threads   census().text(); ?format=json for census().json(); &stacks=1 to capture
//                             every thread's stack (each thread is signalled once; see census_options)
class census_server {
 public:
  census_server(census_server&&) noexcept;
  census_server& operator=(census_server&&) noexcept;
  ~census_server();  // stop()

  [[nodiscard]] int port() const;
  [[nodiscard]] const std::string& address() const;
  // Stops listening, lets a request in progress finish, and joins the server's threads. Idempotent.
  void stop();

  struct state;  // the server and its threads; defined in census_http.cpp

 private:
  friend census_server serve_census(const census_server_options& options);
  explicit census_server(std::unique_ptr<state> running);
  std::unique_ptr<state> state_;
};

// Starts serving the census. Returns once the socket listens. Throws std::system_error naming the
// address and port when it cannot listen there (port taken, address not local, ...).
[[nodiscard]] census_server serve_census(const census_server_options& options);
// On 127.0.0.1:port.
[[nodiscard]] census_server serve_census(int port = 0);

}  // namespace weft
#pragma GCC visibility pop
