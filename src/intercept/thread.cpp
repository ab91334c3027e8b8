// weft's pthread_create: the one place a thread's birth and end are seen. Every other way of starting a
// thread in C++ (std::thread, std::jthread, std::async, thread pools) ends up here.
//
// The interposer works before any of weft's static initializers ran: the real function is resolved on
// first use, and the registry builds its state on first use too, because other libraries' global
// constructors may start threads before ours run.
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <span>

#include "platform/linux/real_calls.hpp"
#include "platform/threads.hpp"
#include "registry/registry.hpp"
#include "sched/controlled_calls.hpp"

extern "C" {
// Referenced by consumers of the static library (-Wl,--undefined=weft_interception_anchor) so that the
// linker keeps this object, and with it pthread_create, even though nothing calls into it by name.
__attribute__((visibility("default"))) int weft_interception_anchor = 0;
}

namespace weft::intercept {
namespace {

using pthread_create_function = int(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);

// Room for the 64 frames the registry keeps plus weft's own, which are cut off before recording.
constexpr int captured_pcs = 72;

void forget_other_threads_in_child() {
  registry::forget_all_but_caller(platform::current_tid());
}

// The address range of the loaded object that holds a given address; empty when none does.
struct object_range {
  std::uintptr_t begin = 0;
  std::uintptr_t end = 0;

  [[nodiscard]] bool contains(std::uintptr_t pc) const { return pc >= begin && pc < end; }
};

object_range object_holding(const void* address) {
  struct search {
    std::uintptr_t address;
    object_range found;
  } wanted{reinterpret_cast<std::uintptr_t>(address), {}};
  dl_iterate_phdr(
      [](dl_phdr_info* object, std::size_t, void* raw_search) -> int {
        auto& wanted = *static_cast<search*>(raw_search);
        object_range loaded{UINTPTR_MAX, 0};
        for (int i = 0; i < object->dlpi_phnum; ++i) {
          const auto& segment = object->dlpi_phdr[i];
          if (segment.p_type != PT_LOAD) continue;
          loaded.begin = std::min<std::uintptr_t>(loaded.begin, object->dlpi_addr + segment.p_vaddr);
          loaded.end =
              std::max<std::uintptr_t>(loaded.end, object->dlpi_addr + segment.p_vaddr + segment.p_memsz);
        }
        if (!loaded.contains(wanted.address)) return 0;
        wanted.found = loaded;
        return 1;
      },
      &wanted);
  return wanted.found;
}

// How calls reach this interposer, worked out once.
struct interposition {
  pthread_create_function* real;
  // A sanitizer runtime that interposes pthread_create ahead of weft (libweft.so comes after
  // libasan.so in the lookup order) calls ours from its own interceptor, whose frames then sit between
  // weft and the program's caller. Empty when the program calls weft directly.
  object_range interposer_ahead;
};

interposition resolve_interposition() {
  // Found through a function of internal linkage: in a shared library `&pthread_create` would be
  // whichever definition comes first in the lookup order, not necessarily weft's.
  const object_range weft_object = object_holding(reinterpret_cast<const void*>(&resolve_interposition));
  void* found = dlsym(RTLD_NEXT, "pthread_create");
  // Without the real function no thread can ever start, and returning an error would only move the
  // failure somewhere less clear.
  if (found == nullptr || weft_object.contains(reinterpret_cast<std::uintptr_t>(found))) {
    const char* why = dlerror();
    std::fprintf(
        stderr, "weft: cannot find the real pthread_create behind weft's interposer (%s)\n",
        found == nullptr ? (why != nullptr ? why : "dlsym returned null") : "dlsym found weft's own");
    std::abort();
  }
  // Registered with the first thread: before it the registry holds no record a child could inherit.
  pthread_atfork(nullptr, nullptr, &forget_other_threads_in_child);

  interposition resolved{reinterpret_cast<pthread_create_function*>(found), {}};
  void* first = dlsym(RTLD_DEFAULT, "pthread_create");
  if (first != nullptr && first != found && !weft_object.contains(reinterpret_cast<std::uintptr_t>(first))) {
    resolved.interposer_ahead = object_holding(first);
  }
  return resolved;
}

const interposition& interposition_in_use() {
  static const interposition resolved = resolve_interposition();
  return resolved;
}

// What the new thread needs to run the caller's routine; freed by the new thread as it starts.
struct start_block {
  void* (*routine)(void*);
  void* arg;
  registry::pending_thread* record;
};

// Marks the thread finished however it leaves its start routine: by returning, or by the forced unwind
// of pthread_exit or pthread_cancel, which runs destructors on its way and must not be caught. From
// then on the stack signal is blocked: a leak check takes a finished thread for gone and never asks
// for its stack, so a capture that raced with the finish cannot interrupt the thread's thread-local
// destructors. Blocked after the registry knows: a capture that still saw the thread live can then
// only land here, in weft's own code.
class finish_on_exit {
 public:
  explicit finish_on_exit(registry::pending_thread* record) : record_(record) {}
  ~finish_on_exit() {
    registry::thread_finished(record_);
    platform::block_stack_signal();
  }
  finish_on_exit(const finish_on_exit&) = delete;
  finish_on_exit& operator=(const finish_on_exit&) = delete;

 private:
  registry::pending_thread* record_;
};

// Not noexcept: a forced unwind reaching a noexcept frame would call std::terminate.
void* run_recorded_thread(void* raw_block) {
  const start_block block = *static_cast<start_block*>(raw_block);
  delete static_cast<start_block*>(raw_block);
  registry::thread_started(block.record, platform::current_tid());
  finish_on_exit finish(block.record);
  return block.routine(block.arg);
}

// The creation stack from the program's call of pthread_create outwards. Found by value rather than by a
// frame count, which inlining and interceptors would make wrong.
std::span<const std::uintptr_t> callers_frames(std::span<const std::uintptr_t> pcs,
                                               std::uintptr_t return_address,
                                               const object_range& interposer_ahead) {
  auto first = std::find(pcs.begin(), pcs.end(), return_address);
  if (first == pcs.end()) first = pcs.begin();
  while (first != pcs.end() && interposer_ahead.contains(*first)) ++first;
  return {first, pcs.end()};
}

}  // namespace
}  // namespace weft::intercept

extern "C" __attribute__((visibility("default"))) int pthread_create(pthread_t* thread,
                                                                     const pthread_attr_t* attr,
                                                                     void* (*start_routine)(void*),
                                                                     void* arg) noexcept {
  using namespace weft;
  // A thread created by a thread of a controlled run joins that run: its routine is wrapped so that
  // it waits for its turn first. Everything weft does here (unwinding, the registry's locks) is weft's
  // own business, not the run's: none of it may become a scheduling point.
  sched::managed_thread* creator = sched::managed_self_at(__builtin_return_address(0));
  sched::inside_weft internal;
  const intercept::interposition& interposition = intercept::interposition_in_use();

  std::uintptr_t pcs[intercept::captured_pcs];
  int count = platform::capture_current_stack(pcs, intercept::captured_pcs, 0);
  auto return_address = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  auto creation_stack = intercept::callers_frames(std::span<const std::uintptr_t>(pcs, count), return_address,
                                                  interposition.interposer_ahead);

  sched::managed_creation managed;
  if (creator != nullptr) {
    managed = sched::begin_managed_create(*creator, start_routine, arg);
    start_routine = &sched::managed_thread_main;
    arg = managed.start;
  }

  auto* block = new (std::nothrow) intercept::start_block{start_routine, arg, nullptr};
  if (block == nullptr) return EAGAIN;
  block->record = registry::begin_creation(creation_stack, reinterpret_cast<std::uintptr_t>(start_routine));
  if (block->record == nullptr) {
    delete block;
    return EAGAIN;
  }
  registry::pending_thread* record = block->record;
  int error = interposition.real(thread, attr, &intercept::run_recorded_thread, block);
  if (error != 0) {
    // The thread never ran, so the block and the record are still ours.
    registry::creation_failed(record);
    delete block;
  }
  if (creator != nullptr)
    sched::end_managed_create(*creator, managed, error, error == 0 ? *thread : pthread_t{});
  return error;
}

extern "C" __attribute__((visibility("default"))) int pthread_join(pthread_t thread, void** result) {
  if (auto* me = weft::sched::managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_join(*me, thread, result);
  return weft::platform::real().join(thread, result);
}

extern "C" __attribute__((visibility("default"))) int pthread_detach(pthread_t thread) noexcept {
  if (auto* me = weft::sched::managed_self_at(__builtin_return_address(0)))
    return weft::sched::controlled_detach(*me, thread);
  return weft::platform::real().detach(thread);
}
