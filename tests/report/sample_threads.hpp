// Hand-built threads for report tests: fixed tids, names, pcs and files, so that rendered reports can
// be compared with approved text byte for byte.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "weft/leaks.hpp"
#include "weft/snapshot.hpp"

namespace report_samples {

inline constexpr const char* libc = "/usr/lib/x86_64-linux-gnu/libc.so.6";
inline constexpr const char* libstdcxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
inline constexpr const char* test_binary = "/build/tests/pool_tests";
inline constexpr const char* libweft = "/opt/weft/lib/libweft.so.0";

inline weft::stack_frame frame(std::uintptr_t pc, std::string function, std::string module,
                               std::uintptr_t module_offset, std::string file = {}, unsigned line = 0) {
  weft::stack_frame out;
  out.pc = pc;
  out.function = std::move(function);
  out.file = std::move(file);
  out.line = line;
  out.module = std::move(module);
  out.module_offset = module_offset;
  return out;
}

inline weft::stack_frame pool_start() {
  return frame(0x55d0c0a01234, "Pool::start()", test_binary, 0x1234, "/src/pool.cpp", 20);
}

inline weft::stack_trace worker_stack() {
  return {{
              frame(0x7f3a10091e96, "pthread_cond_wait", libc, 0x91e96),
              frame(0x7f3a102ab0c1, "std::condition_variable::wait(std::unique_lock<std::mutex>&)", libstdcxx,
                    0xd50c1),
              frame(0x55d0c0a01342, "worker_loop()", test_binary, 0x1342, "/src/pool.cpp", 42),
              // weft's thread trampoline is in every stack of a thread weft saw created.
              frame(0x7f3a10500a10, "weft::intercept::(anonymous namespace)::run_recorded_thread(void*)",
                    libweft, 0x40a10, "../src/intercept/thread.cpp", 139),
              frame(0x7f3a10094ac2, "start_thread", libc, 0x94ac2),
              frame(0x7f3a10126a3f, "clone3", libc, 0x126a3f),
          },
          {}};
}

inline weft::creation_record created_by_pool(std::string test = "PoolTest.LeaksWorker") {
  weft::creation_record created;
  created.how = weft::creation_record::origin::pthread_create;
  created.test = std::move(test);
  created.stack.frames = {
      frame(0x7f3a102dc2a8,
            "std::thread::_M_start_thread(std::unique_ptr<std::thread::_State, "
            "std::default_delete<std::thread::_State> >, void (*)())",
            libstdcxx, 0x1062a8),
      pool_start(),
      frame(0x55d0c0a00f10, "PoolTest_LeaksWorker_Test::TestBody()", test_binary, 0xf10, "/src/pool_test.cpp",
            12),
  };
  created.creator = pool_start();
  created.creator_tid = 4241;
  return created;
}

inline weft::thread_info worker(int tid, std::string name = "worker") {
  weft::thread_info thread;
  thread.id = {tid, 881234 + static_cast<std::uint64_t>(tid)};
  thread.name = std::move(name);
  thread.kernel_state = 'S';
  thread.state = "condition_variable wait";
  thread.stack = worker_stack();
  thread.created = created_by_pool();
  return thread;
}

inline weft::thread_info signal_blocker() {
  weft::thread_info thread;
  thread.id = {77, 5000};
  thread.name = "sigblocker";
  thread.kernel_state = 'S';
  thread.state = "futex wait";
  thread.stack.unavailable_reason = "thread blocks signal 40 (SigBlk 0000008000000000)";
  thread.created = created_by_pool("SignalTest.BlocksEverything");
  return thread;
}

inline weft::thread_info uncreated(int tid, std::string name, weft::creation_record::origin how) {
  weft::thread_info thread;
  thread.id = {tid, 100};
  thread.name = std::move(name);
  thread.kernel_state = 'S';
  thread.state = "sleep";
  thread.stack.frames = {
      frame(0x7f3a100e57fa, "clock_nanosleep", libc, 0xe57fa),
      frame(0x55d0c0a02000, "", test_binary, 0x2000),
  };
  thread.created.how = how;
  return thread;
}

inline weft::leak_report one_group(std::vector<weft::thread_info> threads) {
  return weft::leak_report({weft::leak_group{std::move(threads)}});
}

inline std::vector<weft::thread_info> pool_of(int count, int first_tid) {
  std::vector<weft::thread_info> threads;
  for (int i = 0; i < count; ++i) threads.push_back(worker(first_tid + i));
  return threads;
}

}  // namespace report_samples
