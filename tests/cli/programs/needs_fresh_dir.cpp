// A program that must start in an empty directory, but for the input file its setup makes: it refuses
// to run where a previous run left its state file, as a downloader resuming from one would go wrong.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

int main() {
  if (std::filesystem::exists("state")) {
    std::fprintf(stderr, "a previous run's state file is here: this directory is not fresh\n");
    return 3;
  }
  std::ifstream input("input");
  std::string word;
  if (!(input >> word) || word != "ready") {
    std::fprintf(stderr, "no input file made by the setup\n");
    return 4;
  }
  std::ofstream("state") << "half done\n";
  return 0;
}
