// A leak check must not disturb the program it checks: it signals a thread for its stack only when the
// stack is needed (a report, or a stack-based ignore rule), only after the settle wait, and never once
// the thread has left its start routine. Each thread here counts the signals it received by the EINTR
// returns of calls the kernel never restarts (nanosleep, poll), so "no signal" is seen, not timed.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <latch>
#include <thread>
#include <weft/weft.hpp>

#include "leaks/ignore_rules.hpp"
#include "leaks/unexpected_threads.hpp"
#include "platform/eventually.hpp"
#include "platform/threads.hpp"

namespace {

using namespace std::chrono_literals;

// Sleeps 50 ms in raw nanosleep calls, resuming after each interruption, and counts them.
class short_sleeper {
 public:
  short_sleeper() : thread_([this] { nap(); }) { started_.wait(); }
  ~short_sleeper() { join(); }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  [[nodiscard]] int interruptions() const { return interruptions_.load(); }

 private:
  [[gnu::noinline]] void nap() {
    started_.count_down();
    timespec rest{0, 50'000'000};
    timespec left{};
    while (::nanosleep(&rest, &left) == -1 && errno == EINTR) {
      interruptions_.fetch_add(1);
      rest = left;
    }
  }

  std::latch started_{1};
  std::atomic<int> interruptions_{0};
  std::thread thread_;
};

// Waits in poll() on a pipe until released, counting the polls a signal interrupted.
class released_poller {
 public:
  released_poller() {
    if (::pipe(fds_) != 0) std::abort();
  }
  ~released_poller() {
    release();
    ::close(fds_[0]);
  }
  [[gnu::noinline]] void poll_until_released() {
    pollfd wanted{fds_[0], POLLIN, 0};
    while (::poll(&wanted, 1, -1) == -1 && errno == EINTR) interruptions_.fetch_add(1);
  }
  void release() {
    if (fds_[1] < 0) return;
    ::close(fds_[1]);
    fds_[1] = -1;
  }
  [[nodiscard]] int interruptions() const { return interruptions_.load(); }

 private:
  int fds_[2] = {-1, -1};
  std::atomic<int> interruptions_{0};
};

// As in a suite where an earlier check took a stack: the handler is installed and the unwinder loaded,
// so a signal, if one is sent, reaches the thread while it still sleeps.
void as_after_an_earlier_capture() {
  (void)weft::take_snapshot(weft::snapshot_options{.include_caller = true});
}

TEST(Undisturbed, ACheckWithDefaultOptionsDoesNotSignalAThreadThatExitsWhileItSettles) {
  as_after_an_earlier_capture();
  short_sleeper sleeper;
  const weft::leak_report report = weft::find_leaks();
  sleeper.join();
  EXPECT_TRUE(report.empty()) << report.text();
  EXPECT_EQ(sleeper.interruptions(), 0) << "the check signalled a thread that exited on its own";
}

TEST(Undisturbed, ACheckWithAStackRuleDoesNotSignalAThreadThatExitsWhileItSettles) {
  as_after_an_earlier_capture();
  short_sleeper sleeper;
  const weft::leak_report report = weft::find_leaks(weft::options().ignore_any_function("nothing::here*"));
  sleeper.join();
  EXPECT_TRUE(report.empty()) << report.text();
  EXPECT_EQ(sleeper.interruptions(), 0) << "the check signalled a thread that exited on its own";
}

TEST(Undisturbed, StackRulesApplyOnlyToTheThreadsStillThereAfterTheSettleWait) {
  released_poller poller;
  std::thread thread([&] { poller.poll_until_released(); });
  const weft::options ignored_by_stack = weft::options().ignore_any_function("*poll_until_released*");
  const weft::leaks::rule_set rules(ignored_by_stack);
  weft::leaks::unexpected_threads finder(ignored_by_stack, rules);
  // Well past the moment a check used to apply stack rules while it settled.
  std::this_thread::sleep_for(30ms);
  const weft::leaks::survey during_the_wait = finder.look();
  EXPECT_EQ(during_the_wait.unexpected.size(), 1u);
  EXPECT_EQ(poller.interruptions(), 0) << "a look during the settle wait signalled the thread";

  const weft::leak_report report = weft::find_leaks(weft::options(ignored_by_stack).settle_timeout(20ms));
  EXPECT_TRUE(report.empty()) << report.text();
  // Signalled once, after the wait, for the rule that needed its stack.
  EXPECT_TRUE(weft::testing::eventually([&] { return poller.interruptions() > 0; }));
  EXPECT_EQ(poller.interruptions(), 1);
  poller.release();
  thread.join();
}

// A thread whose thread-local destructor polls until released: it has left its start routine.
released_poller* exiting_poller = nullptr;
std::atomic<bool> in_destructor{false};
std::atomic<int> exiting_tid{0};

struct polls_on_exit {
  ~polls_on_exit() {
    exiting_tid.store(gettid());
    in_destructor.store(true);
    exiting_poller->poll_until_released();
  }
};
thread_local polls_on_exit on_exit_of_thread;

TEST(Undisturbed, NothingSignalsAThreadThatHasLeftItsStartRoutine) {
  // A thread blocks the signal as it leaves its start routine only once weft has taken one.
  as_after_an_earlier_capture();
  released_poller poller;
  exiting_poller = &poller;
  std::thread thread([] { static_cast<void>(&on_exit_of_thread); });
  ASSERT_TRUE(weft::testing::eventually([] { return in_destructor.load(); }));

  const weft::leak_report report = weft::find_leaks(weft::options().ignore_any_function("nothing::here*"));
  EXPECT_TRUE(report.empty()) << report.text();
  const weft::snapshot snapshot = weft::take_snapshot();
  EXPECT_TRUE(std::none_of(snapshot.threads.begin(), snapshot.threads.end(),
                           [](const weft::thread_info& each) { return each.id.tid == exiting_tid.load(); }))
      << snapshot.text();
  // Even asked for its stack directly, below the checks, the thread is not signalled: it blocks the
  // signal by then, which also covers a check that saw it live a moment before it finished.
  const int tids[] = {exiting_tid.load()};
  const std::vector<weft::platform::captured_stack> stacks = weft::platform::capture_stacks(tids, 1s);
  EXPECT_NE(stacks[0].unavailable_reason.find("blocks signal"), std::string::npos)
      << stacks[0].unavailable_reason;

  poller.release();
  thread.join();
  EXPECT_EQ(poller.interruptions(), 0) << "a thread running its thread-local destructors was signalled";
}

}  // namespace
