// cleanup and verify as the host runs them, on the file-dump sink.
#include <catch2/catch.hpp>

#include "test_support.hpp"

#include <regex>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>

extern char** environ;

using loadseed::test::run_loadseed;
using loadseed::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> args(std::vector<std::string> command, const std::string& out) {
    command.insert(command.end(), {"--out", out, "--bands-per-event", "2000", "--taps", "5000"});
    return command;
}

}  // namespace

TEST_CASE("seed, verify, cleanup, verify", "[cleanup][verify]") {
    TempDir dir;
    const std::string out = dir / "out";
    REQUIRE(run_loadseed(args({"seed-multi-event", "--seed", "3"}, out)).status == 0);

    auto verified = run_loadseed(args({"verify", "--full"}, out));
    CHECK(verified.status == 0);
    CHECK_THAT(verified.out, Catch::Contains("verify passed"));

    auto cleaned = run_loadseed(args({"cleanup"}, out));
    CHECK(cleaned.status == 0);
    CHECK(std::regex_search(cleaned.out, std::regex("rows +band.csv +- +6,000")));
    CHECK_THAT(cleaned.out, Catch::Contains("cleanup complete"));
    CHECK_FALSE(fs::exists(out));

    auto after = run_loadseed(args({"verify"}, out));
    CHECK(after.status == 4);
    CHECK_THAT(after.err, Catch::Contains("manifest") && Catch::Contains("expected 1, found 0"));

    auto again = run_loadseed(args({"cleanup"}, out));
    CHECK(again.status == 0);
    CHECK_THAT(again.out, Catch::Contains("nothing to clean up"));
}

TEST_CASE("verify names the mismatch", "[verify]") {
    TempDir dir;
    const std::string out = dir / "out";
    REQUIRE(run_loadseed(args({"seed-multi-event", "--seed", "3"}, out)).status == 0);
    auto result = run_loadseed({"verify", "--out", out, "--bands-per-event", "2001", "--taps", "5000"});
    CHECK(result.status == 4);
    CHECK_THAT(result.err, Catch::Contains("file-dump: Band rows " + out + " expected 6003, found 6000"));

    // A damaged file fails even the sampled check, because its size changed.
    loadseed::test::write_file(fs::path(out) / "event.csv", "id,orgId\n");
    CHECK(run_loadseed(args({"verify"}, out)).status == 4);
}

TEST_CASE("cleanup dry run deletes nothing", "[cleanup]") {
    TempDir dir;
    const std::string out = dir / "out";
    REQUIRE(run_loadseed(args({"seed-multi-event"}, out)).status == 0);
    auto result = run_loadseed(args({"cleanup", "--dry-run"}, out));
    CHECK(result.status == 0);
    CHECK_THAT(result.out, Catch::Contains("dry run"));
    CHECK(fs::exists(fs::path(out) / "manifest.json"));
}

TEST_CASE("cleanup refuses a folder it did not write", "[cleanup]") {
    TempDir dir;
    fs::create_directories(dir / "mine");
    loadseed::test::write_file(dir / "mine/thesis.tex", "years of work");
    auto result = run_loadseed(args({"cleanup"}, dir / "mine"));
    CHECK(result.status == 3);
    CHECK_THAT(result.err, Catch::Contains("refusing to delete") && Catch::Contains("no loadseed manifest.json"));
    CHECK(fs::exists(dir / "mine/thesis.tex"));
}

TEST_CASE("cleanup against production needs --confirm", "[cleanup]") {
    TempDir dir;
    const std::string out = dir / "out";
    REQUIRE(run_loadseed(args({"seed-multi-event"}, out)).status == 0);
    loadseed::test::write_file(dir / ".env.production", "DATABASE_URL=postgresql://nobody@127.0.0.1:1/none\n");

    // The env file is read from the working folder, so run from there.
    auto in_dir = [&](std::vector<std::string> command) {
        std::vector<std::string> shell = {"-c", "cd '" + dir.path().string() + "' && exec \"$0\" \"$@\"", LOADSEED_BINARY};
        shell.insert(shell.end(), command.begin(), command.end());
        return loadseed::test::run("/bin/sh", shell);
    };
    auto refused = in_dir(args({"--env", "production", "cleanup"}, out));
    CHECK(refused.status == 2);
    CHECK_THAT(refused.err, Catch::Contains("needs --confirm production"));
    CHECK(fs::exists(fs::path(out) / "manifest.json"));

    auto confirmed = in_dir(args({"--env", "production", "cleanup", "--confirm", "production"}, out));
    CHECK(confirmed.status == 0);
    CHECK_FALSE(fs::exists(out));

    auto missing_env = in_dir(args({"--env", "qa", "cleanup"}, out));
    CHECK(missing_env.status == 2);
    CHECK_THAT(missing_env.err, Catch::Contains("--env qa: file .env.qa not found"));
}

TEST_CASE("cleanup refuses files it did not write", "[cleanup]") {
    TempDir dir;
    const std::string out = dir / "out";
    REQUIRE(run_loadseed(args({"seed-multi-event"}, out)).status == 0);
    loadseed::test::write_file(fs::path(out) / "NOTES.txt", "mine");

    auto result = run_loadseed(args({"cleanup"}, out));
    CHECK(result.status == 3);
    CHECK_THAT(result.err, Catch::Contains("it contains NOTES.txt, which loadseed did not write"));
    CHECK(fs::exists(fs::path(out) / "NOTES.txt"));

    // A re-seed, which replaces the folder whole, refuses too.
    auto reseed = run_loadseed(args({"seed-multi-event"}, out));
    CHECK(reseed.status == 2);
    CHECK_THAT(reseed.err, Catch::Contains("contains NOTES.txt, which loadseed did not write"));
    CHECK(fs::exists(fs::path(out) / "NOTES.txt"));
}

TEST_CASE("cleanup refuses another scenario's data set", "[cleanup]") {
    TempDir dir;
    const std::string out = dir / "out";
    REQUIRE(run_loadseed({"seed-multi-event", "--scenario", std::string(LOADSEED_SOURCE_DIR) +
                                                                 "/examples/scenarios/tiny.json", "--out", out})
                .status == 0);
    auto result = run_loadseed({"cleanup", "--out", out});
    CHECK(result.status == 3);
    CHECK_THAT(result.err, Catch::Contains("organization 'loadtest-smoke', not the scenario's 'loadtest-org'"));
    CHECK(fs::exists(fs::path(out) / "manifest.json"));
}

TEST_CASE("verify counts rows in the files", "[verify]") {
    TempDir dir;
    const std::string out = dir / "out";
    REQUIRE(run_loadseed(args({"seed-multi-event"}, out)).status == 0);
    // Drop the last tap log row: the row count must catch it.
    std::string taps = loadseed::test::read_file(fs::path(out) / "tap_log.csv");
    taps.erase(taps.rfind('\n', taps.size() - 2) + 1);
    loadseed::test::write_file(fs::path(out) / "tap_log.csv", taps);
    auto result = run_loadseed(args({"verify"}, out));
    CHECK(result.status == 4);
    CHECK_THAT(result.err, Catch::Contains("TapLog rows " + out + " expected 5000, found 4999"));
}

TEST_CASE("interrupted seed leaves no staging folder", "[cleanup]") {
    TempDir dir;
    const std::string out = dir / "out";
    pid_t pid = 0;
    std::vector<std::string> arguments = {LOADSEED_BINARY, "seed-multi-event", "--out", out, "--bands-per-event",
                                          "2000000"};
    std::vector<char*> argv;
    for (auto& a : arguments) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid, LOADSEED_BINARY, nullptr, nullptr, argv.data(), environ) == 0);
    bool staged = false;
    for (int i = 0; i < 500 && !staged; ++i) {
        for (const auto& entry : fs::directory_iterator(dir.path()))
            staged = staged || entry.path().filename().string().rfind("out.partial", 0) == 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(staged);
    ::kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(fs::is_empty(dir.path()));
}
