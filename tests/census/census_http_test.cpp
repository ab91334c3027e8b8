// serve_census: /metrics and /debug/weft/threads (text, JSON, stacks) on loopback only.
#include "weft/census_http.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>

#include "census/parked_threads.hpp"

namespace {

WEFT_TEST_SITE void park_for_endpoint(weft_test::parked_threads& threads) {
  threads.adopt(std::thread(threads.waiter()));
}

httplib::Result get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(30));
  return client.Get(path);
}

TEST(CensusHttp, ServesMetrics) {
  weft_test::parked_threads threads;
  park_for_endpoint(threads);
  weft::census_server server = weft::serve_census();
  ASSERT_GT(server.port(), 0);
  const httplib::Result result = get(server.port(), "/metrics");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(result->body.find("::park_for_endpoint(weft_test::parked_threads&) at "), std::string::npos)
      << result->body;
}

TEST(CensusHttp, ServesTheCensusAsTextJsonAndWithStacks) {
  weft_test::parked_threads threads;
  park_for_endpoint(threads);
  weft::census_server server = weft::serve_census();

  const httplib::Result text = get(server.port(), "/debug/weft/threads");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->status, 200);
  EXPECT_EQ(text->body.rfind("weft census: ", 0), 0u) << text->body;
  EXPECT_NE(text->body.find("1 thread at (anonymous namespace)::park_for_endpoint("), std::string::npos)
      << text->body;
  EXPECT_EQ(text->body.find("condition_variable wait"), std::string::npos) << "no stacks unless asked";

  const httplib::Result json = get(server.port(), "/debug/weft/threads?format=json");
  ASSERT_TRUE(json);
  const nlohmann::json document = nlohmann::json::parse(json->body);
  EXPECT_EQ(document["schema"], "weft.census");

  const httplib::Result stacks = get(server.port(), "/debug/weft/threads?stacks=1");
  ASSERT_TRUE(stacks);
  EXPECT_NE(stacks->body.find("condition_variable wait"), std::string::npos) << stacks->body;

  const httplib::Result bad = get(server.port(), "/debug/weft/threads?format=xml");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("format must be text or json"), std::string::npos);
}

// The listening socket's local address in /proc/self/net/tcp: "0100007F:<port in hex>" is 127.0.0.1.
std::string listening_address(int port) {
  std::ifstream table("/proc/self/net/tcp");
  std::string line;
  std::getline(table, line);
  char port_hex[8];
  std::snprintf(port_hex, sizeof port_hex, "%04X", port);
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (state == "0A" && local.ends_with(std::string(":") + port_hex))
      return local.substr(0, local.find(':'));
  }
  return "";
}

TEST(CensusHttp, ListensOnLoopbackUnlessAskedOtherwise) {
  weft::census_server server = weft::serve_census();
  EXPECT_EQ(server.address(), "127.0.0.1");
  EXPECT_EQ(listening_address(server.port()), "0100007F");
  weft::census_server_options everywhere;
  everywhere.address = "0.0.0.0";
  weft::census_server asked = weft::serve_census(everywhere);
  EXPECT_EQ(listening_address(asked.port()), "00000000");
}

TEST(CensusHttp, StopsAndFreesThePort) {
  weft::census_server server = weft::serve_census();
  const int port = server.port();
  server.stop();
  server.stop();  // idempotent
  EXPECT_FALSE(get(port, "/metrics"));
  EXPECT_EQ(listening_address(port), "");
}

TEST(CensusHttp, RefusesATakenPortNamingIt) {
  weft::census_server first = weft::serve_census();
  try {
    weft::census_server second = weft::serve_census(first.port());
    FAIL() << "a second server listened on the same port";
  } catch (const std::system_error& error) {
    EXPECT_NE(std::string(error.what()).find("127.0.0.1:" + std::to_string(first.port())), std::string::npos)
        << error.what();
  }
}

}  // namespace
