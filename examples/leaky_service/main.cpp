// A small HTTP service with a thread leak on one path, to find with weft's census (README.md here).
//   GET /work    does its work on a thread it joins: no leak
//   GET /report  starts a thread that waits for a reply nobody ever sends: one leaked thread per request
// It serves its census on a second port (weft::serve_census), prints both ports, and runs until it is
// sent SIGTERM or SIGINT.
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "weft/census_http.hpp"

namespace {

std::mutex replies_mutex;
std::condition_variable reply_arrived;
bool reply_ready = false;  // never set: the bug

int do_work(int input) {
  int result = 0;
  std::thread worker([&] { result = input * 2; });
  worker.join();
  return result;
}

void start_report_job() {
  // Detached, and waiting for a reply that never comes: each request leaves one more thread behind.
  std::thread([] {
    std::unique_lock lock(replies_mutex);
    reply_arrived.wait(lock, [] { return reply_ready; });
  }).detach();
}

}  // namespace

int main(int argc, char** argv) {
  const int app_port = argc > 1 ? std::atoi(argv[1]) : 0;
  // Blocked before any thread starts, so that every thread inherits the mask and main alone takes them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  weft::census_server census = weft::serve_census(0);

  httplib::Server app;
  app.Get("/work", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(std::to_string(do_work(21)) + "\n", "text/plain");
  });
  app.Get("/report", [](const httplib::Request&, httplib::Response& response) {
    start_report_job();
    response.set_content("report started\n", "text/plain");
  });
  const int port = app_port == 0 ? app.bind_to_any_port("127.0.0.1")
                                 : (app.bind_to_port("127.0.0.1", app_port) ? app_port : -1);
  if (port <= 0) {
    std::fprintf(stderr, "leaky_service: cannot listen on 127.0.0.1:%d\n", app_port);
    return 1;
  }
  std::thread listener([&] { app.listen_after_bind(); });
  std::printf("leaky_service: pid %d, app on 127.0.0.1:%d, census on 127.0.0.1:%d\n",
              static_cast<int>(getpid()), port, census.port());
  std::fflush(stdout);

  int received = 0;
  sigwait(&stop_signals, &received);
  app.stop();
  listener.join();
  census.stop();
  // The leaked threads still wait; exit without waiting for them.
  std::_Exit(0);
}
