#include "cli/preload/result_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace weft::cli {

int open_result_file(const std::string& path) {
  if (path.empty()) return -1;
  // O_APPEND: crash_guard's line lands after whatever was written before the crash.
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    std::fprintf(stderr, "weft: cannot write the result file %s: %s\n", path.c_str(), std::strerror(errno));
  return fd;
}

void write_result(int fd, const std::string& text) {
  if (fd < 0) return;
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t written = write(fd, text.data() + done, text.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;
    done += static_cast<std::size_t>(written);
  }
}

}  // namespace weft::cli
