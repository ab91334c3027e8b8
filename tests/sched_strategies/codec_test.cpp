// The replay string: what encode writes decode reads back, and decode refuses anything else with a
// message that names the problem.
#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>
#include <vector>

#include "sched/schedule_codec.hpp"

namespace {

using weft::sched::decision;
using weft::sched::decode;
using weft::sched::encode;
using weft::sched::schedule;

// An independent writer of the documented format, so the tests can build strings encode never
// would: base64url over zlib's crc32 (little-endian) followed by the body.
std::string craft(const std::vector<std::uint8_t>& body, std::string_view prefix = "w1.") {
  const uLong checksum = crc32(0L, body.data(), static_cast<uInt>(body.size()));
  std::vector<std::uint8_t> bytes;
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<std::uint8_t>(checksum >> (8 * i)));
  bytes.insert(bytes.end(), body.begin(), body.end());
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string text(prefix);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t group = std::uint32_t{bytes[i]} << 16;
    if (i + 1 < bytes.size()) group |= std::uint32_t{bytes[i + 1]} << 8;
    if (i + 2 < bytes.size()) group |= bytes[i + 2];
    const std::size_t chars = std::min<std::size_t>(4, (bytes.size() - i) * 4 / 3 + ((bytes.size() - i) < 3));
    for (std::size_t c = 0; c < chars; ++c) text += alphabet[(group >> (18 - 6 * c)) & 0x3F];
  }
  return text;
}

schedule three_decisions() {
  return schedule{{{0, 2}, {2, 3}, {1, 4}}};
}

bool same(const schedule& a, const schedule& b) {
  if (a.decisions.size() != b.decisions.size()) return false;
  for (std::size_t i = 0; i < a.decisions.size(); ++i) {
    if (a.decisions[i].chosen != b.decisions[i].chosen ||
        a.decisions[i].candidates != b.decisions[i].candidates) {
      return false;
    }
  }
  return true;
}

void expect_refused(std::string_view text, std::string_view names) {
  const auto result = decode(text);
  EXPECT_FALSE(result.ok()) << "accepted " << text;
  EXPECT_NE(result.error.find(names), std::string::npos)
      << "error for " << text.substr(0, 40) << ": " << result.error;
  EXPECT_TRUE(result.decoded.decisions.empty());
}

TEST(ScheduleCodec, RoundTripsAnEmptySchedule) {
  const std::string text = encode(schedule{});
  EXPECT_EQ(text.rfind("w3.", 0), 0u) << text;
  const auto result = decode(text);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(result.decoded.decisions.empty());
}

TEST(ScheduleCodec, RoundTripsOneDecision) {
  const schedule one{{{1, 3}}};
  const auto result = decode(encode(one));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(same(result.decoded, one));
}

TEST(ScheduleCodec, RoundTripsTenThousandRandomDecisionsInShellSafeCharacters) {
  std::mt19937_64 rng(7);
  schedule many;
  for (int i = 0; i < 10000; ++i) {
    // Mostly small counts, sometimes huge ones, so multi-byte varints are covered too.
    const std::uint32_t candidates =
        (i % 97 == 0) ? 0xFFFFFFFFu : 2 + static_cast<std::uint32_t>(rng() % 300);
    many.decisions.push_back({static_cast<std::uint32_t>(rng() % candidates), candidates});
  }
  const std::string text = encode(many);
  EXPECT_EQ(text.find_first_not_of("w3.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  const auto result = decode(text);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(same(result.decoded, many));
}

TEST(ScheduleCodec, WritesTheDocumentedFormat) {
  // Checked against an independent writer, so a string printed by this weft stays readable by the next.
  // Stored as is; 3 decisions; no outcome; 3 runs of candidate counts (1 x 2, 1 x 3, 1 x 4); the
  // choices 0 (1 bit), 2 (2 bits), 1 (2 bits) packed from the lowest bit: 0b01100.
  const std::vector<std::uint8_t> body = {0, 3, 0, 3, 1, 2, 1, 3, 1, 4, 0b01100};
  EXPECT_EQ(encode(three_decisions()), craft(body, "w3."));
  schedule with_outcome = three_decisions();
  with_outcome.outcome = "deadlock";
  const std::vector<std::uint8_t> named = {0,   3, 8, 'd', 'e', 'a', 'd', 'l', 'o',    'c',
                                           'k', 3, 1, 2,   1,   3,   1,   4,   0b01100};
  EXPECT_EQ(encode(with_outcome), craft(named, "w3."));
}

TEST(ScheduleCodec, WritesALongRunCompressed) {
  // 200,000 two-way decisions: the same choice every time (a spin loop under pct), as a zlib stream
  // of the documented body.
  schedule spin;
  spin.decisions.assign(200'000, decision{1, 2});
  std::vector<std::uint8_t> body = {0xC0, 0x9a, 0x0c, 0, 1, 0xC0, 0x9a, 0x0c, 2};  // count, no outcome, 1 run
  body.insert(body.end(), 200'000 / 8, 0xFF);
  uLongf size = compressBound(static_cast<uLong>(body.size()));
  std::vector<std::uint8_t> stored(1 + size, 1);
  ASSERT_EQ(compress2(stored.data() + 1, &size, body.data(), static_cast<uLong>(body.size()), 9), Z_OK);
  stored.resize(1 + size);
  const std::string text = encode(spin);
  EXPECT_EQ(text, craft(stored, "w3."));
  EXPECT_LT(text.size(), 300u);
  const auto result = decode(text);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(same(result.decoded, spin));
}

TEST(ScheduleCodec, KeepsAStringOfRandomChoicesWithinAFewBitsADecision) {
  // The worst case: a random walk's 200,000 coin flips. Version 1 took 533,343 characters; each flip
  // now costs one bit, and the string stays far below Linux's 128 KiB limit for one argument.
  std::mt19937_64 rng(11);
  schedule walk;
  for (int i = 0; i < 200'000; ++i) walk.decisions.push_back({static_cast<std::uint32_t>(rng() % 2), 2});
  const std::string text = encode(walk);
  EXPECT_LT(text.size(), 34'000u);
  const auto result = decode(text);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(same(result.decoded, walk));
}

TEST(ScheduleCodec, RoundTripsTheRecordedOutcome) {
  schedule recorded = three_decisions();
  recorded.outcome = "signal";
  const auto result = decode(encode(recorded));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.decoded.outcome, "signal");
  EXPECT_TRUE(same(result.decoded, recorded));
  // An outcome the format cannot hold is left out rather than making the string unreadable.
  recorded.outcome = "Not allowed!";
  const auto plain = decode(encode(recorded));
  ASSERT_TRUE(plain.ok()) << plain.error;
  EXPECT_EQ(plain.decoded.outcome, "");
}

// Versions 1 and 2 were recorded by a scheduler with fewer points: they would replay another run.
TEST(ScheduleCodec, RefusesVersionOneAndTwoStringsByName) {
  // As weft 0.1 printed them: count, then (candidates, chosen) pairs.
  expect_refused(craft({3, 2, 0, 3, 2, 4, 1}, "w1."),
                 "schedule format version 1 was recorded by an older weft, whose scheduler had fewer "
                 "scheduling points");
  // Version 2's payload is version 3's.
  expect_refused("w2." + encode(three_decisions()).substr(3),
                 "schedule format version 2 was recorded by an older weft");
  // A corrupt old string is still called corrupt.
  expect_refused(craft({3, 2, 0, 3, 2, 4}, "w1."), "truncated");
}

TEST(ScheduleCodec, RefusesABodyThatIsNotCanonical) {
  expect_refused(craft({0, 1, 0, 1, 1, 1, 0}, "w3."), "a decision has 1 candidates");
  expect_refused(craft({0, 2, 0, 2, 1, 2, 1, 2, 0}, "w3."), "two runs of candidate counts should be one");
  expect_refused(craft({0, 2, 0, 1, 3, 2, 0}, "w3."), "cover more than the 2 decisions");
  expect_refused(craft({0, 2, 0, 1, 1, 2, 0}, "w3."), "cover 1 of the 2 decisions");
  expect_refused(craft({0, 1, 0, 1, 1, 3, 3}, "w3."), "decision 1 chooses 3 of 3 candidates");
  expect_refused(craft({0, 1, 0, 1, 1, 2, 0b10}, "w3."), "the padding after its choices is not zero");
  expect_refused(craft({0, 1, 0, 1, 1, 2, 0, 0}, "w3."), "1 stray bytes follow its 1 decisions");
  expect_refused(craft({0, 0, 2, 'a', 'B', 0}, "w3."), "its outcome holds a character other than a-z");
  expect_refused(craft({0, 0, 40, 0}, "w3."), "its outcome is 40 characters long");
  expect_refused(craft({7, 0, 0, 0}, "w3."), "its storage byte is 7");
}

std::vector<std::uint8_t> deflated(const std::vector<std::uint8_t>& body) {
  uLongf size = compressBound(static_cast<uLong>(body.size()));
  std::vector<std::uint8_t> stored(1 + size, 1);
  compress2(stored.data() + 1, &size, body.data(), static_cast<uLong>(body.size()), 9);
  stored.resize(1 + size);
  return stored;
}

TEST(ScheduleCodec, RefusesACompressedBodyThatIsBrokenOrHuge) {
  std::vector<std::uint8_t> not_zlib = {1, 0x12, 0x34, 0x56};
  expect_refused(craft(not_zlib, "w3."), "its compressed decisions do not decompress");
  std::vector<std::uint8_t> with_tail = deflated({0, 0, 0});
  with_tail.push_back(0);
  expect_refused(craft(with_tail, "w3."), "1 stray bytes follow its compressed decisions");
  // 9 MiB of zeros compress to a few KiB: refused before weft allocates for them.
  expect_refused(craft(deflated(std::vector<std::uint8_t>(9u << 20, 0)), "w3."),
                 "it decompresses to more than 8 MiB");
}

TEST(ScheduleCodec, RefusesEveryTruncationOfACompressedString) {
  std::mt19937_64 rng(5);
  schedule walk;
  for (int i = 0; i < 3000; ++i) walk.decisions.push_back({static_cast<std::uint32_t>(rng() % 3), 3});
  const std::string text = encode(walk);
  ASSERT_TRUE(decode(text).ok());
  for (std::size_t length = 3; length < text.size(); length += 7) {
    const auto result = decode(text.substr(0, length));
    EXPECT_FALSE(result.ok()) << "length " << length;
    EXPECT_NE(result.error.find("truncated"), std::string::npos)
        << "length " << length << ": " << result.error;
  }
}

TEST(ScheduleCodec, AcceptsSurroundingWhitespaceFromAPaste) {
  const auto result = decode("  " + encode(three_decisions()) + "\n");
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(same(result.decoded, three_decisions()));
}

TEST(ScheduleCodec, RefusesTheEmptyString) {
  expect_refused("", "the schedule is empty");
}

TEST(ScheduleCodec, RefusesAWrongPrefixAndQuotesIt) {
  expect_refused("xyz", "weft: not a weft schedule: it must start with \"w3.\"; got \"xyz\"");
  expect_refused("w1", "not a weft schedule");
  expect_refused("w.AAAA", "not a weft schedule");
  expect_refused(encode(three_decisions()).substr(3), "not a weft schedule");
}

TEST(ScheduleCodec, RefusesANewerVersion) {
  expect_refused("w9." + encode(three_decisions()).substr(3),
                 "schedule format version 9 is newer than this weft (3)");
  expect_refused("w12345678901234567890.AAAA",
                 "version \"12345678901234567890\" is newer than this weft (3)");
  expect_refused("w0.AAAAAAA", "schedule format version 0 does not exist");
}

// Found by fuzz/schedule_codec_fuzzer: one schedule, one spelling.
TEST(ScheduleCodec, RefusesALeadingZeroInTheVersion) {
  expect_refused("w01." + encode(three_decisions()).substr(3), "version \"01\" has a leading zero");
}

TEST(ScheduleCodec, RefusesAnyFlippedCharacterAsAChecksumMismatch) {
  const std::string text = encode(three_decisions());
  // Toggling a character's lowest bit never touches a varint's continuation bit, so the structure
  // still parses and only the checksum can tell.
  for (std::size_t i = 3; i < text.size(); ++i) {
    std::string flipped = text;
    static constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    flipped[i] = alphabet[alphabet.find(text[i]) ^ 1];
    const auto result = decode(flipped);
    EXPECT_FALSE(result.ok()) << "position " << i;
    // The last character also carries bits past the data; a flip there may be caught as that instead.
    if (i + 1 < text.size()) {
      EXPECT_NE(result.error.find("checksum mismatch"), std::string::npos) << result.error;
    }
  }
}

TEST(ScheduleCodec, RefusesEveryTruncation) {
  const std::string text = encode(three_decisions());
  for (std::size_t length = 3; length < text.size(); ++length) {
    const auto result = decode(text.substr(0, length));
    EXPECT_FALSE(result.ok()) << "length " << length;
    EXPECT_NE(result.error.find("truncated"), std::string::npos)
        << "length " << length << ": " << result.error;
  }
}

TEST(ScheduleCodec, NamesHowManyDecisionsSurvivedATruncation) {
  std::vector<std::uint8_t> body = {5, 2, 0, 3, 2, 4, 1};  // announces 5 decisions, holds 3
  expect_refused(craft(body), "truncated after 3 decisions of the 5 it announces");
}

TEST(ScheduleCodec, RefusesAChoiceBeyondTheCandidates) {
  std::vector<std::uint8_t> body = {4, 2, 0, 3, 2, 4, 1, 3, 5};
  expect_refused(craft(body), "weft: schedule is corrupt: decision 4 chooses 5 of 3 candidates");
}

TEST(ScheduleCodec, RefusesStrayBytesAndOverlongNumbers) {
  expect_refused(craft({1, 2, 0, 9}), "1 stray bytes follow its 1 decisions");
  expect_refused(craft({1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0}),
                 "decision 1 holds a number longer than 10 bytes");
  expect_refused(craft({1, 0x80, 0x80, 0x80, 0x80, 0x10, 0}), "more than any run can have");
}

TEST(ScheduleCodec, RefusesAnAddedCharacter) {
  expect_refused(encode(three_decisions()) + "A", "weft: schedule is corrupt: ");
  expect_refused(encode(three_decisions()) + "AA", "weft: schedule is corrupt: ");
}

TEST(ScheduleCodec, RefusesSetBitsAfterTheLastByte) {
  // Two decisions make 13 bytes, 104 of the 18 characters' 108 bits: the last four must be zero.
  std::string text = encode(schedule{{{0, 2}, {2, 3}}});
  ASSERT_EQ(text.size(), 3u + 18u);
  text.back() = static_cast<char>(text.back() + 1);
  expect_refused(text, "ends with a partial byte");
}

TEST(ScheduleCodec, RefusesGarbageAndShowsItSafely) {
  expect_refused("w1.abc$def", "character \"$\" at position 7 is not base64url");
  expect_refused(std::string("\x01\xff\"zz", 5), "got \"\\x01\\xff\\\"zz\"");
  expect_refused("w1.A", "truncated");
  expect_refused("w1.", "truncated");
}

TEST(ScheduleCodec, RefusesVeryLongInputWithoutTrouble) {
  expect_refused("w1." + std::string(4'000'000, 'A'), "checksum mismatch");
  expect_refused("w1." + std::string(4'000'000, '_'), "corrupt");
  const auto result = decode(std::string(1'000'000, 'q'));
  EXPECT_FALSE(result.ok());
  EXPECT_LT(result.error.size(), 200u) << "the message quotes only the start of the input";
}

TEST(ScheduleCodec, AcceptsRandomInputOnlyInItsCanonicalFormAndNamesEveryRefusal) {
  std::mt19937_64 rng(3);
  const std::string valid = encode(three_decisions());
  for (int i = 0; i < 20000; ++i) {
    std::string text = i % 2 ? valid : (i % 4 == 0 ? "w1." : "w3.");
    const std::size_t extra = rng() % 24;
    for (std::size_t c = 0; c < extra; ++c) text += static_cast<char>(rng() % 256);
    if (i % 2) text[3 + rng() % (valid.size() - 3)] = static_cast<char>(rng() % 256);
    const auto result = decode(text);
    if (result.ok() && text.rfind("w3.", 0) == 0) {
      const std::size_t first = text.find_first_not_of(" \t\r\n");
      const std::size_t last = text.find_last_not_of(" \t\r\n");
      EXPECT_EQ(encode(result.decoded), text.substr(first, last - first + 1));
    } else if (!result.ok()) {
      EXPECT_EQ(result.error.rfind("weft: ", 0), 0u) << result.error;
    }
  }
}

}  // namespace
