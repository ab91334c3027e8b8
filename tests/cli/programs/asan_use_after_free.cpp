// Built with -fsanitize=address, knowing nothing of weft: one thread reads an account through a
// pointer it took under the lock but dereferences in a later critical section, while another closes
// the account (deletes it) under the same lock. Only a schedule that lets the closer run between the
// reader's two critical sections uses freed memory; ASan then reports heap-use-after-free.
// With the argument "fixed", the reader looks the account up and reads it in one critical section;
// with "alone", main reads it and closes it itself, with no other thread.
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

namespace {

struct account {
  int balance = 7;
};

std::mutex lock;
account* open_account = new account;

__attribute__((noinline)) void read_balance_later() {
  account* seen;
  {
    std::lock_guard hold(lock);
    seen = open_account;
  }
  std::lock_guard hold(lock);
  std::printf("balance %d\n", seen == nullptr ? 0 : seen->balance);
}

__attribute__((noinline)) void read_balance_at_once() {
  std::lock_guard hold(lock);
  std::printf("balance %d\n", open_account == nullptr ? 0 : open_account->balance);
}

__attribute__((noinline)) void close_account() {
  std::lock_guard hold(lock);
  delete open_account;
  open_account = nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "alone") == 0) {
    read_balance_at_once();
    close_account();
    return 0;
  }
  const bool fixed = argc > 1 && std::strcmp(argv[1], "fixed") == 0;
  std::thread reader(fixed ? read_balance_at_once : read_balance_later);
  std::thread closer(close_account);
  reader.join();
  closer.join();
  return 0;
}
