#include <loadseed/core/options.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace loadseed::core;

namespace {

const ls_option_spec specs[] = {
    {"url", LS_OPTION_SECRET, nullptr, "connection", "LOADSEED_TEST_URL", 1},
    {"batch", LS_OPTION_INT, "100", "rows", nullptr, 0},
    {"ratio", LS_OPTION_DOUBLE, nullptr, "share", nullptr, 0},
    {"fast", LS_OPTION_BOOL, "false", "go fast", nullptr, 0},
};

ls_plugin make_descriptor() {
    ls_plugin d{};
    d.struct_size = sizeof d;
    d.abi_major = LOADSEED_ABI_MAJOR;
    d.kind = LS_PLUGIN_SINK;
    d.name = "demo";
    d.options = specs;
    d.option_count = 4;
    d.option_spec_size = sizeof(ls_option_spec);
    return d;
}

}  // namespace

TEST_CASE("options resolve from flags, environment and defaults", "[options]") {
    ls_plugin descriptor = make_descriptor();
    Plugin plugin;
    plugin.descriptor = &descriptor;

    ::setenv("LOADSEED_TEST_URL", "postgresql://u:hunter2@127.0.0.1/db", 1);
    OptionValues values = resolve_options(plugin, {{"ratio", "0.25"}});
    CHECK(*values.find("url") == "postgresql://u:hunter2@127.0.0.1/db");
    CHECK(values.printable("url") == "****");
    CHECK(*values.find("batch") == "100");
    CHECK(*values.find("ratio") == "0.25");

    values = resolve_options(plugin, {{"url", "from-flag"}});
    CHECK(*values.find("url") == "from-flag");
}

TEST_CASE("option errors name plugin, option and fix", "[options]") {
    ls_plugin descriptor = make_descriptor();
    Plugin plugin;
    plugin.descriptor = &descriptor;
    ::setenv("LOADSEED_TEST_URL", "x", 1);

    CHECK_THROWS_WITH(resolve_options(plugin, {{"bach", "1"}}),
                      Catch::Contains("demo: unknown option 'bach'") && Catch::Contains("url, batch, ratio, fast"));
    CHECK_THROWS_WITH(resolve_options(plugin, {{"batch", "ten"}}),
                      Catch::Contains("option 'batch' must be an integer, got 'ten'"));
    CHECK_THROWS_WITH(resolve_options(plugin, {{"ratio", "nan"}}), Catch::Contains("must be a number"));
    CHECK_THROWS_WITH(resolve_options(plugin, {{"fast", "yes"}}), Catch::Contains("must be true or false"));

    ::unsetenv("LOADSEED_TEST_URL");
    CHECK_THROWS_WITH(resolve_options(plugin, {}),
                      Catch::Contains("option 'url' is required") && Catch::Contains("LOADSEED_TEST_URL"));
}

TEST_CASE("--opt assignments parse as PLUGIN.KEY=VALUE", "[options]") {
    auto parsed = parse_option_assignments({"postgres.url=postgresql://a/b?x=1", "file-dump.out=/tmp/x"});
    CHECK(parsed["postgres"]["url"] == "postgresql://a/b?x=1");
    CHECK(parsed["file-dump"]["out"] == "/tmp/x");
    CHECK_THROWS_WITH(parse_option_assignments({"nodot=1"}), Catch::Contains("expected PLUGIN.KEY=VALUE"));
    CHECK_THROWS_WITH(parse_option_assignments({"a.b"}), Catch::Contains("expected PLUGIN.KEY=VALUE"));
    CHECK_THROWS_AS(check_assignment_targets(parsed, {"file-dump"}), OptionError);
    CHECK_NOTHROW(check_assignment_targets(parsed, {"file-dump", "postgres"}));
}
