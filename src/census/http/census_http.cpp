// The census's HTTP endpoint on cpp-httplib. Only the census's public API is used here: this library
// is built apart from libweft and links nothing of its rooms.
#include "weft/census_http.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <exception>
#include <system_error>
#include <thread>

#include "weft/census.hpp"

namespace weft {

struct census_server::state {
  httplib::Server server;
  std::string address;
  int port = 0;
  std::thread listener;
};

namespace {

void serve_metrics(const httplib::Request&, httplib::Response& response, std::size_t max_sites) {
  response.set_content(census_prometheus(max_sites), "text/plain; version=0.0.4; charset=utf-8");
}

void serve_threads(const httplib::Request& request, httplib::Response& response) {
  const std::string format = request.has_param("format") ? request.get_param_value("format") : "text";
  if (format != "text" && format != "json") {
    response.status = 400;
    response.set_content("weft: format must be text or json\n", "text/plain");
    return;
  }
  census_options options;
  options.stacks = request.has_param("stacks") && request.get_param_value("stacks") != "0";
  const census_report report = census(options);
  if (format == "json") {
    response.set_content(report.json(), "application/json");
  } else {
    response.set_content(report.text(), "text/plain; charset=utf-8");
  }
}

// A handler's exception becomes a 500 naming it rather than a dropped connection.
template <typename handler>
httplib::Server::Handler guarded(handler serve) {
  return [serve](const httplib::Request& request, httplib::Response& response) {
    try {
      serve(request, response);
    } catch (const std::exception& error) {
      response.status = 500;
      response.set_content(std::string("weft: ") + error.what() + "\n", "text/plain");
    }
  };
}

}  // namespace

census_server::census_server(std::unique_ptr<state> running) : state_(std::move(running)) {}
census_server::census_server(census_server&&) noexcept = default;
census_server& census_server::operator=(census_server&& other) noexcept {
  if (this != &other) {
    stop();
    state_ = std::move(other.state_);
  }
  return *this;
}
census_server::~census_server() {
  stop();
}

int census_server::port() const {
  return state_ ? state_->port : 0;
}

const std::string& census_server::address() const {
  static const std::string none;
  return state_ ? state_->address : none;
}

void census_server::stop() {
  if (!state_) return;
  state_->server.stop();
  if (state_->listener.joinable()) state_->listener.join();
  state_.reset();
}

census_server serve_census(const census_server_options& options) {
  auto running = std::make_unique<census_server::state>();
  // One worker: a scrape or a dump at a time is plenty, and each worker is a thread in the census.
  // httplib's default sets SO_REUSEPORT, which would let a second server share the port silently:
  // SO_REUSEADDR alone still allows a restart while old connections linger in TIME_WAIT.
  running->server.set_socket_options([](int socket) {
    int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  running->server.new_task_queue = [] { return new httplib::ThreadPool(1); };
  const std::size_t max_sites = options.max_sites;
  running->server.Get("/metrics",
                      guarded([max_sites](const httplib::Request& request, httplib::Response& response) {
                        serve_metrics(request, response, max_sites);
                      }));
  running->server.Get("/debug/weft/threads", guarded(serve_threads));
  running->address = options.address;
  errno = 0;
  const bool bound = options.port == 0
                         ? (running->port = running->server.bind_to_any_port(options.address)) > 0
                         : running->server.bind_to_port(options.address, options.port);
  if (!bound) {
    throw std::system_error(
        errno != 0 ? errno : EADDRNOTAVAIL, std::generic_category(),
        "weft::serve_census: cannot listen on " + options.address + ":" + std::to_string(options.port));
  }
  if (options.port != 0) running->port = options.port;
  httplib::Server& server = running->server;
  running->listener = std::thread([&server] { server.listen_after_bind(); });
  // stop() before the listener runs would be lost and leave it listening: wait until it does, boundedly.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!server.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!server.is_running()) {
    server.stop();
    running->listener.join();
    throw std::system_error(ETIMEDOUT, std::generic_category(),
                            "weft::serve_census: the listener did not start within 5 s");
  }
  return census_server(std::move(running));
}

census_server serve_census(int port) {
  census_server_options options;
  options.port = port;
  return serve_census(options);
}

}  // namespace weft
