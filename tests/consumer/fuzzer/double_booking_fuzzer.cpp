// A schedule fuzzer built by clang against an installed weft: two guests each check that the last
// room is free, then book it, under two separate acquisitions of the lock, so the room is booked
// twice when both checks run before either booking. The fuzzer's input is the interleaving.
// DOUBLE_BOOKING_FIXED=1 checks and books under one acquisition: no input may fail then.
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <weft/libfuzzer.hpp>
#include <weft/sched.hpp>

namespace {

const bool fixed = std::getenv("DOUBLE_BOOKING_FIXED") != nullptr;

void two_guests_book_the_last_room() {
  std::mutex mutex;
  bool booked = false;
  int bookings = 0;
  auto book = [&] {
    if (fixed) {
      std::lock_guard<std::mutex> hold(mutex);
      if (!booked) {
        booked = true;
        ++bookings;
      }
      return;
    }
    bool free_now = false;
    {
      std::lock_guard<std::mutex> hold(mutex);
      free_now = !booked;
    }
    if (free_now) {
      std::lock_guard<std::mutex> hold(mutex);
      booked = true;
      ++bookings;
    }
  };
  std::thread first(book), second(book);
  first.join();
  second.join();
  weft::expect(bookings == 1, "the last room was booked " + std::to_string(bookings) + " times");
}

}  // namespace

WEFT_FUZZ_SCHEDULES(two_guests_book_the_last_room)
