// The threads of this process as /proc/self/task shows them: which exist, and what each one waits for.
#include "platform/linux/proc_tasks.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "platform/linux/proc_parse.hpp"
#include "platform/threads.hpp"

namespace weft::platform {
namespace {

// The largest file read here is status, about 1.5 KiB; stat, syscall and wchan are one short line.
constexpr std::size_t proc_file_buffer_size = 4096;

class unique_fd {
 public:
  explicit unique_fd(int fd) : fd_(fd) {}
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

proc_text read_file_at(int directory, const char* path, std::span<char> buffer) {
  const unique_fd file(::openat(directory, path, O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return {{}, errno};
  std::size_t used = 0;
  while (used < buffer.size()) {
    const ssize_t got = ::read(file.get(), buffer.data() + used, buffer.size() - used);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return {{}, errno};
    if (got == 0) break;
    used += static_cast<std::size_t>(got);
  }
  return {{buffer.data(), used}, 0};
}

std::string_view trim_end(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  return text;
}

// Read through the thread's own fd directory: a thread cloned without CLONE_FILES has its own table.
std::string fd_target(int task_directory, int fd) {
  char path[24];
  std::snprintf(path, sizeof path, "fd/%d", fd);
  char target[PATH_MAX];
  const ssize_t length = ::readlinkat(task_directory, path, target, sizeof target);
  if (length <= 0) return {};
  return std::string(target, static_cast<std::size_t>(length));
}

enum class call_source { thread_gone, syscall_file, unavailable };

// Fills running and the call fields from the syscall file.
call_source read_blocking_call(int task_directory, task_status& status) {
  char buffer[proc_file_buffer_size];
  const proc_text text = read_file_at(task_directory, "syscall", buffer);
  if (means_thread_gone(text.error)) return call_source::thread_gone;
  // Some containers refuse the syscall file (EACCES, EPERM): wchan and the state letter still say
  // whether the thread sleeps, only the call stays unnamed.
  if (text.error != 0) return call_source::unavailable;
  const parsed<syscall_fields> line = parse_syscall(text.text);
  if (!line.ok()) return call_source::unavailable;
  switch (line.value->what) {
    case syscall_fields::kind::running:
      status.running = true;
      return call_source::syscall_file;
    case syscall_fields::kind::outside_call:
      return call_source::syscall_file;
    case syscall_fields::kind::in_call:
      break;
  }
  const syscall_info info = describe_syscall(line.value->number);
  status.call = info.call;
  status.syscall_name = syscall_display_name(line.value->number);
  if (info.fd_argument >= 0) {
    // A descriptor is an int passed in a 64-bit register; its upper half is undefined.
    status.fd = static_cast<int>(static_cast<std::uint32_t>(line.value->args[info.fd_argument]));
    if (status.fd >= 0) status.fd_target = fd_target(task_directory, status.fd);
  }
  return call_source::syscall_file;
}

}  // namespace

proc_text read_task_file(int tid, const char* name, std::span<char> buffer) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/%s", tid, name);
  return read_file_at(AT_FDCWD, path, buffer);
}

bool means_thread_gone(int error) {
  return error == ENOENT || error == ESRCH;
}

int current_tid() {
  return static_cast<int>(::gettid());
}

memory_range current_thread_stack() {
  // glibc reports a thread's whole stack block above the guard: the stack, its static TLS and its
  // descriptor, all of which the next thread to reuse the block gets.
  pthread_attr_t attributes;
  if (pthread_getattr_np(pthread_self(), &attributes) != 0) return {};
  void* lowest = nullptr;
  std::size_t size = 0;
  const int got = pthread_attr_getstack(&attributes, &lowest, &size);
  pthread_attr_destroy(&attributes);
  if (got != 0 || size == 0) return {};
  const auto first = reinterpret_cast<std::uintptr_t>(lowest);
  return {first, first + size - 1};
}

namespace {

// /proc/self/task names this process when opened: a child of fork() must open it again, or it would
// count its parent's threads.
std::atomic<int> task_directory{-1};

void forget_task_directory_in_child() {
  const int inherited = task_directory.exchange(-1, std::memory_order_relaxed);
  if (inherited >= 0) ::close(inherited);
}

int open_task_directory() {
  int fd = task_directory.load(std::memory_order_acquire);
  if (fd >= 0) return fd;
  static const bool fork_handled = [] {
    pthread_atfork(nullptr, nullptr, &forget_task_directory_in_child);
    return true;
  }();
  (void)fork_handled;
  const int opened = ::open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (opened < 0) return -1;
  if (!task_directory.compare_exchange_strong(fd, opened, std::memory_order_acq_rel)) {
    ::close(opened);  // another thread opened it first; fd now holds theirs
    return fd;
  }
  return opened;
}

}  // namespace

int thread_count() {
  const int directory = open_task_directory();
  struct stat status;
  if (directory < 0 || ::fstat(directory, &status) != 0 || status.st_nlink < 3) return -1;
  return static_cast<int>(status.st_nlink - 2);
}

bool list_threads(std::vector<int>& tids) {
  const unique_fd directory(::open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.get() < 0) return false;
  const std::size_t first = tids.size();
  alignas(dirent64) char buffer[16384];
  for (;;) {
    const ssize_t got = ::getdents64(directory.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      tids.resize(first);
      return false;
    }
    if (got == 0) break;
    for (ssize_t offset = 0; offset < got;) {
      const auto* entry = reinterpret_cast<const dirent64*>(buffer + offset);
      offset += entry->d_reclen;
      const char* name = entry->d_name;
      const char* name_end = name + std::strlen(name);
      int tid = 0;
      auto [stop, error] = std::from_chars(name, name_end, tid);
      if (error == std::errc{} && stop == name_end && tid > 0) tids.push_back(tid);
    }
  }
  std::sort(tids.begin() + static_cast<std::ptrdiff_t>(first), tids.end());
  return true;
}

bool thread_exists(int tid) {
  if (tid <= 0) return false;
  // Signal 0 only checks that the target exists; EPERM cannot happen within one process.
  return ::syscall(SYS_tgkill, ::getpid(), tid, 0) == 0 || errno != ESRCH;
}

std::optional<task_status> read_task(int tid) {
  char path[40];
  std::snprintf(path, sizeof path, "/proc/self/task/%d", tid);
  // Every file is opened relative to this directory, which keeps naming the thread it was opened for:
  // if that thread exits and its tid is reused, the reads fail instead of describing the newcomer.
  const unique_fd directory(::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.get() < 0) {
    if (means_thread_gone(errno) || !thread_exists(tid)) return std::nullopt;
    return task_status{};
  }
  task_status status;
  char buffer[proc_file_buffer_size];

  const proc_text stat_text = read_file_at(directory.get(), "stat", buffer);
  if (means_thread_gone(stat_text.error)) return std::nullopt;
  const parsed<stat_fields> stat = parse_stat(stat_text.text);
  if (stat.ok()) {
    status.start_time = stat.value->start_time;
    status.name = std::move(stat.value->comm);
    status.state = stat.value->state;
  } else if (!thread_exists(tid)) {
    return std::nullopt;
  }

  const proc_text status_text = read_file_at(directory.get(), "status", buffer);
  if (means_thread_gone(status_text.error)) return std::nullopt;
  if (const parsed<status_fields> fields = parse_status(status_text.text); fields.ok()) {
    status.blocked_signals = fields.value->blocked_signals;
    if (!stat.ok()) status.name = fields.value->name;
  }

  // The caller's own syscall file would show the read of that very file.
  const call_source call =
      tid == current_tid() ? call_source::unavailable : read_blocking_call(directory.get(), status);
  if (call == call_source::thread_gone) return std::nullopt;

  const proc_text wchan = read_file_at(directory.get(), "wchan", buffer);
  if (means_thread_gone(wchan.error)) return std::nullopt;
  // A thread that is not sleeping shows "0".
  if (const std::string_view name = trim_end(wchan.text); name != "0") status.wchan = std::string(name);

  // The syscall file is read after stat, so when both exist and disagree it is the newer word.
  if (call == call_source::unavailable) status.running = status.state == 'R' || tid == current_tid();
  return status;
}

std::optional<task_brief> read_task_brief(int tid) {
  char path[48];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
  char buffer[proc_file_buffer_size];
  const proc_text text = read_file_at(AT_FDCWD, path, buffer);
  if (text.error != 0) return std::nullopt;
  const parsed<stat_fields> stat = parse_stat(text.text);
  if (!stat.ok()) return std::nullopt;
  return task_brief{stat.value->start_time, stat.value->state};
}

std::chrono::nanoseconds time_since_boot() {
  // /proc counts start times in clock ticks since boot, which CLOCK_BOOTTIME also counts from.
  timespec now{};
  if (::clock_gettime(CLOCK_BOOTTIME, &now) != 0) return {};
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

std::chrono::nanoseconds since_boot(std::uint64_t start_time) {
  static const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  if (ticks_per_second <= 0) return {};
  return std::chrono::nanoseconds(
      static_cast<std::int64_t>(start_time * (1'000'000'000 / static_cast<std::uint64_t>(ticks_per_second))));
}

}  // namespace weft::platform
