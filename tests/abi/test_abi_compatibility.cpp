// Proves the ABI's versioning rules: 1.0's layout is unchanged in today's
// header, a plugin built against the frozen 1.0 header runs in today's host,
// and a plugin from a newer minor with longer tables loads and runs without
// the host calling what it does not know.
#include "abi_layout.h"

#include <catch2/catch.hpp>

#include "test_support.hpp"

#include <map>
#include <string>

using loadseed::test::read_file;
using loadseed::test::run_loadseed;
using loadseed::test::TempDir;

TEST_CASE("ABI 1.0 layout is unchanged today", "[abi]") {
    std::map<std::string, const abi_layout_entry*> current;
    for (const abi_layout_entry* e = abi_layout_current; e->name; ++e) current[e->name] = e;

    size_t compared = 0;
    for (const abi_layout_entry* frozen = abi_layout_frozen_1_0; frozen->name; ++frozen) {
        INFO(frozen->name);
        REQUIRE(current.count(frozen->name) == 1);
        CHECK(current[frozen->name]->offset == frozen->offset);
        CHECK(current[frozen->name]->size == frozen->size);
        ++compared;
    }
    CHECK(compared > 150);
}

TEST_CASE("plugins of ABI 1.0 and 1.1 run in today's host", "[abi]") {
    TempDir dir;
    auto listing = run_loadseed({"--plugin-dir", LOADSEED_ABI_PLUGIN_DIR, "plugins"});
    REQUIRE(listing.status == 0);
    CHECK_THAT(listing.out, Catch::Contains("counting-v1-0 (sink 1.0.0, ABI 1.0)"));
    CHECK_THAT(listing.out, Catch::Contains("counting-v1-1 (sink 1.0.0, ABI 1.1)"));
    CHECK(listing.err.empty());

    for (std::string version : {"1-0", "1-1"}) {
        INFO("plugin built for ABI " << version);
        std::string name = "counting-v" + version;
        std::string record = dir / (name + ".txt");
        auto result = run_loadseed({"--plugin-dir", LOADSEED_ABI_PLUGIN_DIR, "seed-multi-event", "--sink", name,
                                    "--opt", name + ".record=" + record, "--bands-per-event", "1000", "--taps", "100"});
        CHECK(result.status == 0);
        CHECK(result.err.empty());
        std::string abi = version == "1-0" ? "1.0" : "1.1";
        CHECK(read_file(record) == "abi=" + abi + " band=3000 kv=6000 tap=100 finished=1\n");
    }
}

TEST_CASE("required option of a C plugin is enforced", "[abi]") {
    auto result = run_loadseed({"--plugin-dir", LOADSEED_ABI_PLUGIN_DIR, "seed-multi-event", "--sink",
                                "counting-v1-0", "--bands-per-event", "10", "--dry-run"});
    CHECK(result.status == 2);
    CHECK_THAT(result.err, Catch::Contains("counting-v1-0: option 'record' is required"));
}
