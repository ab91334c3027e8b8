// A main that waits in a call weft does not see: read() from a pipe. "hang" reads a pipe nobody writes,
// so its run can only be abandoned as hung; "fed" writes the byte first, the correct twin.
#include <unistd.h>

#include <cstring>

int main(int argc, char** argv) {
  int fds[2];
  if (pipe(fds) != 0) return 3;
  if (argc > 1 && std::strcmp(argv[1], "fed") == 0 && write(fds[1], "x", 1) != 1) return 3;
  char byte;
  return read(fds[0], &byte, 1) == 1 ? 0 : 3;
}
