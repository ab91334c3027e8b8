// `weft dump PID [--port N] [--stacks] [-o FILE]`: the census of a running process as JSON, read from
// its census endpoint (weft::serve_census). Without --port, the endpoint is found among the process's
// listening TCP sockets: each is asked for /debug/weft/threads until one answers with a census.
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/usage_error.hpp"
#include "report/quoted_text.hpp"

namespace weft::cli {
namespace {

// The inodes of the sockets `pid` holds open, from its fd links ("socket:[12345]").
std::set<std::string> socket_inodes(int pid) {
  std::set<std::string> inodes;
  std::error_code error;
  const std::filesystem::path fds = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& entry : std::filesystem::directory_iterator(fds, error)) {
    std::error_code link_error;
    const std::string target = std::filesystem::read_symlink(entry.path(), link_error).string();
    if (!link_error && target.starts_with("socket:[") && target.ends_with("]")) {
      inodes.insert(target.substr(8, target.size() - 9));
    }
  }
  if (error) {
    throw tool_error("cannot read " + fds.string() + ": " + error.message() +
                     " (is the process running, and yours?)");
  }
  return inodes;
}

// The ports of the listening IPv4 and IPv6 TCP sockets among `inodes`, from the process's view of
// /proc/net/tcp: "sl local_address rem_address st ... inode", the state 0A being LISTEN.
std::vector<int> listening_ports(int pid, const std::set<std::string>& inodes) {
  std::vector<int> ports;
  for (const char* table : {"tcp", "tcp6"}) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/net/" + table);
    std::string line;
    std::getline(file, line);  // the header
    while (std::getline(file, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
      if (state != "0A" || !inodes.contains(inode)) continue;
      const std::size_t colon = local.rfind(':');
      if (colon == std::string::npos) continue;
      ports.push_back(std::stoi(local.substr(colon + 1), nullptr, 16));
    }
  }
  return ports;
}

// The census from the endpoint on `port`, or an empty string when that port serves none.
std::string census_from(int port, bool stacks, std::string& why_not) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::seconds(2));
  // With stacks, the process waits up to its stack timeout for its threads to answer.
  client.set_read_timeout(std::chrono::seconds(30));
  const std::string path = std::string("/debug/weft/threads?format=json") + (stacks ? "&stacks=1" : "");
  const httplib::Result result = client.Get(path);
  if (!result) {
    why_not = "port " + std::to_string(port) + ": " + httplib::to_string(result.error());
    return {};
  }
  if (result->status != 200) {
    why_not = "port " + std::to_string(port) + ": HTTP " + std::to_string(result->status);
    return {};
  }
  const nlohmann::json document = nlohmann::json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || document.value("schema", "") != "weft.census") {
    why_not = "port " + std::to_string(port) + ": not a weft census";
    return {};
  }
  return result->body;
}

class dump_command final : public command {
 public:
  CLI::App* define(CLI::App& weft) override {
    CLI::App* dump = weft.add_subcommand(
        "dump", "Write the census (threads and tasks by creation site) of a running process as JSON");
    dump->add_option("pid", pid_, "The process; it must serve the census (weft::serve_census)")->required();
    dump->add_option("--port", port_, "The census endpoint's port on 127.0.0.1; found when not given");
    dump->add_flag("--stacks", stacks_, "Capture every thread's stack too (signals each thread once)");
    dump->add_option("-o,--output", output_, "Write to this file instead of standard output");
    return dump;
  }

  int execute(const std::vector<std::string>& program) override {
    if (!program.empty()) throw usage_error("takes no program after \"--\"");
    if (pid_ <= 0) throw usage_error("the pid must be positive, not " + std::to_string(pid_));
    std::vector<int> ports;
    if (port_ != 0) {
      ports.push_back(port_);
    } else {
      if (!std::filesystem::exists("/proc/" + std::to_string(pid_))) {
        throw usage_error("no process " + std::to_string(pid_));
      }
      ports = listening_ports(pid_, socket_inodes(pid_));
    }
    std::string reasons;
    for (int port : ports) {
      std::string why_not;
      const std::string census = census_from(port, stacks_, why_not);
      if (census.empty()) {
        reasons += "\n  " + why_not;
        continue;
      }
      write(census);
      return exit_ok;
    }
    throw tool_error("process " + std::to_string(pid_) + " serves no census" +
                     (ports.empty() ? std::string(": it listens on no TCP port") : ":" + reasons) +
                     "\nA process serves its census once it calls weft::serve_census (docs/production.md).");
  }

 private:
  void write(const std::string& census) const {
    if (output_.empty()) {
      std::fwrite(census.data(), 1, census.size(), stdout);
      std::fputc('\n', stdout);
      return;
    }
    std::ofstream file(output_, std::ios::binary | std::ios::trunc);
    file << census << '\n';
    if (!file.flush()) throw tool_error("cannot write " + report::quoted_prefix(output_));
  }

  int pid_ = 0;
  int port_ = 0;
  bool stacks_ = false;
  std::string output_;
};

}  // namespace

std::unique_ptr<command> make_dump_command() {
  return std::make_unique<dump_command>();
}

}  // namespace weft::cli
