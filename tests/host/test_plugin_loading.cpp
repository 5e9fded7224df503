#include <loadseed/core/plugin_loader.hpp>

#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace loadseed::core;
using loadseed::test::run_loadseed;

namespace {

std::string test_plugin(const std::string& file) { return std::string(LOADSEED_TEST_PLUGIN_DIR) + "/" + file; }

std::string load_failure(const std::string& file) {
    Plugin plugin;
    std::string reason;
    CHECK_FALSE(load_plugin_file(test_plugin(file), plugin, reason));
    return reason;
}

}  // namespace

TEST_CASE("bundled plugins load with their descriptors", "[abi]") {
    Plugin plugin;
    std::string reason;
    REQUIRE(load_plugin_file(std::string(LOADSEED_PLUGIN_DIR) + "/gaussian.so", plugin, reason));
    CHECK(reason.empty());
    CHECK(plugin.name() == "gaussian");
    CHECK(plugin.is_generator());
    CHECK(plugin.descriptor->abi_major == LOADSEED_ABI_MAJOR);
    CHECK(plugin.descriptor->option_count == 4);
    CHECK(std::string(plugin.option(0).name) == "mean");
}

TEST_CASE("plugin for another ABI major is rejected", "[abi]") {
    std::string reason = load_failure("wrong_major.so");
    CHECK_THAT(reason, Catch::Contains("built for plugin ABI 2.0, but this host speaks ABI 1.0"));
    CHECK_THAT(reason, Catch::Contains("rebuild the plugin"));
}

TEST_CASE("library without the entry symbol is rejected", "[abi]") {
    CHECK_THAT(load_failure("no_entry.so"), Catch::Contains("has no 'loadseed_plugin_entry' symbol"));
}

TEST_CASE("file that is not a library is rejected", "[abi]") {
    CHECK_THAT(load_failure("not_a_library.so"), Catch::Contains("not a shared library (no ELF header)"));
}

TEST_CASE("descriptor checks catch broken tables", "[abi]") {
    CHECK(check_descriptor(nullptr) == "its entry function returned no descriptor");
    ls_plugin d{};
    d.struct_size = sizeof d;
    d.abi_major = LOADSEED_ABI_MAJOR;
    d.kind = LS_PLUGIN_SINK;
    d.name = "Bad Name";
    d.version = "1";
    d.description = "x";
    CHECK_THAT(check_descriptor(&d), Catch::Contains("not lowercase"));
    d.name = "ok";
    CHECK_THAT(check_descriptor(&d), Catch::Contains("no sink function table"));
    d.kind = 7;
    CHECK_THAT(check_descriptor(&d), Catch::Contains("neither sink nor generator"));
    d.kind = LS_PLUGIN_SINK;
    d.struct_size = 8;
    CHECK_THAT(check_descriptor(&d), Catch::Contains("too small"));
}

TEST_CASE("loadseed plugins lists good plugins and one line per rejected file", "[abi][cli]") {
    auto result = run_loadseed({"--plugin-dir", LOADSEED_TEST_PLUGIN_DIR, "plugins"});
    REQUIRE(result.status == 0);
    CHECK_THAT(result.out, Catch::Contains("file-dump (sink 1.0.0, ABI 1.0) (built in)"));
    CHECK_THAT(result.out, Catch::Contains("gaussian (generator 1.0.0, ABI 1.0)"));
    CHECK_THAT(result.out, Catch::Contains("--opt gaussian.stddev=<number>"));
    CHECK_THAT(result.out, Catch::Contains("throwing (sink 1.0.0, ABI 1.0)"));
    CHECK_THAT(result.out, Catch::Contains("rejected " + test_plugin("wrong_major.so") + ": built for plugin ABI 2.0"));
    CHECK_THAT(result.out, Catch::Contains("rejected " + test_plugin("no_entry.so") + ": has no"));
    CHECK_THAT(result.out, Catch::Contains("rejected " + test_plugin("not_a_library.so")));
    // Each rejection is also one warning line on stderr.
    CHECK_THAT(result.err, Catch::Contains("warning: skipped plugin " + test_plugin("wrong_major.so")));
}

TEST_CASE("unknown sink or generator is a usage error", "[cli]") {
    auto sink = run_loadseed({"seed-multi-event", "--sink", "nosuch", "--dry-run"});
    CHECK(sink.status == 2);
    CHECK_THAT(sink.err, Catch::Contains("unknown sink 'nosuch'; run 'loadseed plugins'"));

    auto generator = run_loadseed({"seed-multi-event", "--generator", "mock", "--dry-run"});
    CHECK(generator.status == 2);
    CHECK_THAT(generator.err, Catch::Contains("plugin 'mock' is a sink, not a generator"));
}

TEST_CASE("bad --opt values are refused before any work", "[cli]") {
    loadseed::test::TempDir dir;
    auto unknown = run_loadseed({"seed-multi-event", "--out", dir / "out", "--opt", "file-dump.colour=red"});
    CHECK(unknown.status == 2);
    CHECK_THAT(unknown.err, Catch::Contains("file-dump: unknown option 'colour'"));

    auto wrong_type = run_loadseed({"seed-multi-event", "--out", dir / "out", "--opt", "gaussian.mean=middle"});
    CHECK(wrong_type.status == 2);
    CHECK_THAT(wrong_type.err, Catch::Contains("gaussian: option 'mean' must be a number, got 'middle'"));

    auto unselected = run_loadseed({"seed-multi-event", "--out", dir / "out", "--opt", "postgres.url=x"});
    CHECK(unselected.status == 2);
    CHECK_THAT(unselected.err, Catch::Contains("--opt names plugin 'postgres', which this command does not use"));

    auto bad_value = run_loadseed({"seed-multi-event", "--out", dir / "out", "--opt", "gaussian.outside=wrap"});
    CHECK(bad_value.status == 2);
    CHECK_THAT(bad_value.err, Catch::Contains("option 'outside' must be 'clip' or 'redraw'"));
    CHECK_FALSE(std::filesystem::exists(dir / "out"));
}

TEST_CASE("--version names the ABI", "[cli]") {
    auto result = run_loadseed({"--version"});
    CHECK(result.status == 0);
    CHECK_THAT(result.out, Catch::StartsWith("loadseed ") && Catch::Contains("(plugin ABI 1.0)"));
}
